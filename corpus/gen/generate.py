#!/usr/bin/env python3
"""Deterministic generator for the wirekit sample corpus.

    python3 corpus/gen/generate.py [--seed N] [--out DIR] [--check]

Writes realistic message files (JSON and MessagePack) into one sub-folder per
kind of message: http/, orders/, chat/, telemetry/, logs/, binary/.  The default
output folder is the corpus/ folder that holds this script; the default seed is 1.

Determinism rules (the same seed gives byte-identical files on every run and every
machine):
  * every file draws from its own random.Random, seeded with a string built from the
    seed and the file's path (str seeds are hashed with SHA-512 by the random module,
    not with the per-process hash()), never from the global random;
  * no clock: all times derive from the fixed BASE_TIME below;
  * only dict insertion order (which is the order the code writes the keys in), lists,
    and tuples are iterated; no sets, no sort_keys;
  * floats are made with + - * / and round() only, which IEEE 754 defines exactly;
    no math.sin/log/exp (libm results may differ in the last bit between platforms),
    hence no random.gauss / expovariate either;
  * files are written as UTF-8 bytes with '\\n' line ends, whatever the platform.

Standard library only (Python 3.11).
"""

import argparse
import base64
import hashlib
import json
import os
import random
import struct
import sys
import unicodedata
import uuid
import zlib
from datetime import datetime, timedelta, timezone

CORPUS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 2024-03-14T09:26:53Z; every timestamp in the corpus is an offset from this instant.
BASE_TIME = datetime(2024, 3, 14, 9, 26, 53, tzinfo=timezone.utc)
BASE_EPOCH_S = 1710408413
assert int(BASE_TIME.timestamp()) == BASE_EPOCH_S


# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------

def to_json(obj):
    """Compact, strict RFC 8259 JSON (no NaN/Infinity), UTF-8, with a final newline."""
    text = json.dumps(obj, ensure_ascii=False, separators=(',', ':'), allow_nan=False)
    return text.encode('utf-8') + b'\n'


def json_len(obj):
    return len(json.dumps(obj, ensure_ascii=False, separators=(',', ':'),
                          allow_nan=False).encode('utf-8'))


def msgpack_encode(obj):
    """A small MessagePack encoder: nil, bool, int, float64, str, bin, array, map.

    Always picks the shortest encoding (positive/negative fixint, fixstr, str8,
    fixarray, fixmap, ...), as msgpack-c's packer and python-msgpack do, so that
    other encoders can be compared byte for byte against these files.
    """
    out = bytearray()
    _mp_pack(obj, out)
    return bytes(out)


def _mp_len(out, n, fix_base, fix_max, codes):
    if n <= fix_max:
        out.append(fix_base | n)
    elif n <= 0xff and codes[0] is not None:
        out.append(codes[0])
        out.append(n)
    elif n <= 0xffff:
        out.append(codes[1])
        out += struct.pack('>H', n)
    elif n <= 0xffffffff:
        out.append(codes[2])
        out += struct.pack('>I', n)
    else:
        raise ValueError('too long for MessagePack: %d' % n)


def _mp_pack(obj, out):
    if obj is None:
        out.append(0xc0)
    elif obj is True:
        out.append(0xc3)
    elif obj is False:
        out.append(0xc2)
    elif isinstance(obj, int):
        if 0 <= obj <= 0x7f:
            out.append(obj)
        elif -32 <= obj < 0:
            out.append(obj & 0xff)
        elif obj > 0:
            if obj <= 0xff:
                out += b'\xcc' + struct.pack('>B', obj)
            elif obj <= 0xffff:
                out += b'\xcd' + struct.pack('>H', obj)
            elif obj <= 0xffffffff:
                out += b'\xce' + struct.pack('>I', obj)
            elif obj <= 0xffffffffffffffff:
                out += b'\xcf' + struct.pack('>Q', obj)
            else:
                raise ValueError('integer too large for MessagePack: %d' % obj)
        else:
            if obj >= -0x80:
                out += b'\xd0' + struct.pack('>b', obj)
            elif obj >= -0x8000:
                out += b'\xd1' + struct.pack('>h', obj)
            elif obj >= -0x80000000:
                out += b'\xd2' + struct.pack('>i', obj)
            elif obj >= -0x8000000000000000:
                out += b'\xd3' + struct.pack('>q', obj)
            else:
                raise ValueError('integer too small for MessagePack: %d' % obj)
    elif isinstance(obj, float):
        out += b'\xcb' + struct.pack('>d', obj)
    elif isinstance(obj, str):
        data = obj.encode('utf-8')
        if len(data) < 32:
            out.append(0xa0 | len(data))
        else:
            _mp_len(out, len(data), 0xa0, -1, (0xd9, 0xda, 0xdb))
        out += data
    elif isinstance(obj, (bytes, bytearray)):
        _mp_len(out, len(obj), 0, -1, (0xc4, 0xc5, 0xc6))
        out += obj
    elif isinstance(obj, (list, tuple)):
        _mp_len(out, len(obj), 0x90, 15, (None, 0xdc, 0xdd))
        for item in obj:
            _mp_pack(item, out)
    elif isinstance(obj, dict):
        _mp_len(out, len(obj), 0x80, 15, (None, 0xde, 0xdf))
        for key, value in obj.items():
            _mp_pack(key, out)
            _mp_pack(value, out)
    else:
        raise TypeError('cannot encode %r as MessagePack' % type(obj))


# ---------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------

def rfc3339(dt, digits=3, offset_minutes=0):
    """RFC 3339 text with `digits` fractional digits (0, 3 or 6); 'Z' or +hh:mm."""
    local = dt + timedelta(minutes=offset_minutes)
    text = local.strftime('%Y-%m-%dT%H:%M:%S')
    if digits == 3:
        text += '.%03d' % (local.microsecond // 1000)
    elif digits == 6:
        text += '.%06d' % local.microsecond
    if offset_minutes == 0:
        return text + 'Z'
    sign = '+' if offset_minutes > 0 else '-'
    m = abs(offset_minutes)
    return '%s%s%02d:%02d' % (text, sign, m // 60, m % 60)


def at(seconds=0.0, micros=0):
    """BASE_TIME plus an offset, with microsecond resolution (integer arithmetic)."""
    return BASE_TIME + timedelta(microseconds=int(seconds * 1000000) + micros)


def uuid4(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_id(rng, nbytes):
    return '%0*x' % (nbytes * 2, rng.getrandbits(nbytes * 8))


def base62(rng, n):
    alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
    return ''.join(rng.choice(alphabet) for _ in range(n))


def noise(rng, scale):
    """Roughly bell-shaped noise in [-1.5*scale, 1.5*scale] (sum of three uniforms)."""
    return (rng.random() + rng.random() + rng.random() - 1.5) * scale


def rnd(value, ndigits):
    """round() that never yields -0.0 (adding +0.0 turns -0.0 into +0.0)."""
    return round(value, ndigits) + 0.0


PI = 3.141592653589793
TWO_PI = 6.283185307179586


def wave(x):
    """sin(x) from a Taylor series: only + - * /, so identical on every machine."""
    x = x - TWO_PI * int(x / TWO_PI)
    if x > PI:
        x -= TWO_PI
    elif x < -PI:
        x += TWO_PI
    term = x
    total = x
    x2 = x * x
    for n in range(1, 11):
        term = -term * x2 / ((2 * n) * (2 * n + 1))
        total += term
    return total


_FOLD = {'ł': 'l', 'Ł': 'L', 'ø': 'o', 'Ø': 'O', 'ß': 'ss', 'æ': 'ae', 'Æ': 'AE',
         'đ': 'd', 'Đ': 'D', 'ı': 'i', "'": '', '’': '', ' ': ''}


def asciify(text):
    """'Łukasz Wiśniewski' -> 'LukaszWisniewski' (for e-mail addresses and user names)."""
    text = ''.join(_FOLD.get(c, c) for c in text)
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


def weighted(rng, pairs):
    """Pick from [(item, weight), ...] with integer weights."""
    total = sum(w for _, w in pairs)
    k = rng.randrange(total)
    for item, w in pairs:
        if k < w:
            return item
        k -= w
    raise AssertionError('unreachable')


# ---------------------------------------------------------------------------
# Reference data: people, places, products, user agents
# ---------------------------------------------------------------------------

# Given names are 'native|latin:g' (g = m or f); family names are 'native|latin' or,
# where the family name agrees with gender, 'male/female|latin male/latin female'.
# The latin part is only needed where the native script is not Latin.
CULTURES = {
    'en': dict(locale='en-GB', family_first=False,
               given=('Emily:f', 'James:m', 'Olivia:f', 'Liam:m', 'Hannah:f', 'Noah:m',
                      'Charlotte:f', 'Oliver:m', 'Aoife:f', 'Declan:m', 'Grace:f', 'Ethan:m'),
               family=('Smith', "O'Connor", 'Johnson', 'Walker', 'Bennett', 'Thompson',
                       'Murphy', 'Hughes', 'Clarke', 'Robinson')),
    'de': dict(locale='de-DE', family_first=False,
               given=('Lukas:m', 'Anna:f', 'Jürgen:m', 'Sophie:f', 'Maximilian:m', 'Lena:f',
                      'Felix:m', 'Mia:f', 'Björn:m', 'Käthe:f'),
               family=('Müller', 'Schäfer', 'Weiß', 'Becker', 'Hoffmann', 'Krüger',
                       'Schröder', 'Vogel', 'Zimmermann', 'Groß')),
    'fr': dict(locale='fr-FR', family_first=False,
               given=('Chloé:f', 'Théo:m', 'Léa:f', 'François:m', 'Inès:f', 'Jérôme:m',
                      'Maëlle:f', 'Noël:m', 'Hélène:f', 'Gaël:m'),
               family=('Lefèvre', 'Dubois', 'Moreau', 'Girard', 'Rousseau', 'Bézier',
                       'Lemaître', 'Fontaine', 'Chevalier', 'Da Silva')),
    'es': dict(locale='es-ES', family_first=False,
               given=('José:m', 'María:f', 'Álvaro:m', 'Lucía:f', 'Iñigo:m', 'Begoña:f',
                      'Sebastián:m', 'Nuria:f'),
               family=('García Núñez', 'Fernández', 'López Ibáñez', 'Martín', 'Muñoz',
                       'Rodríguez', 'Peña', 'Sánchez Ortega')),
    'it': dict(locale='it-IT', family_first=False,
               given=('Giulia:f', 'Matteo:m', 'Francesca:f', 'Lorenzo:m', 'Niccolò:m',
                      'Chiara:f'),
               family=('Rossi', 'Esposito', 'Ferrari', 'Romano', 'Conti', "D'Angelo",
                       'Bianchi')),
    'pt': dict(locale='pt-BR', family_first=False,
               given=('João:m', 'Ana:f', 'Thiago:m', 'Beatriz:f', 'Conceição:f', 'Vinícius:m'),
               family=('Silva', 'Gonçalves', 'Araújo', 'Pereira', 'Conceição', 'Magalhães')),
    'pl': dict(locale='pl-PL', family_first=False,
               given=('Łukasz:m', 'Zofia:f', 'Michał:m', 'Agnieszka:f', 'Paweł:m',
                      'Małgorzata:f'),
               family=('Nowak', 'Wiśniewski/Wiśniewska', 'Kowalczyk', 'Wójcik',
                       'Zieliński/Zielińska', 'Szymański/Szymańska', 'Dąbrowski/Dąbrowska')),
    'sv': dict(locale='sv-SE', family_first=False,
               given=('Åsa:f', 'Björn:m', 'Sigrid:f', 'Linnéa:f', 'Oskar:m', 'Måns:m'),
               family=('Lindqvist', 'Håkansson', 'Nyström', 'Öberg', 'Andersson', 'Ekström')),
    'tr': dict(locale='tr-TR', family_first=False,
               given=('Çağla:f', 'Emre:m', 'Şebnem:f', 'Oğuz:m', 'Gökhan:m', 'İpek:f'),
               family=('Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Öztürk', 'Aydın')),
    'ru': dict(locale='ru-RU', family_first=False,
               given=('Алексей|Aleksei:m', 'Мария|Maria:f', 'Дмитрий|Dmitry:m',
                      'Екатерина|Ekaterina:f', 'Сергей|Sergey:m', 'Анна|Anna:f'),
               family=('Смирнов/Смирнова|Smirnov/Smirnova', 'Соколов/Соколова|Sokolov/Sokolova',
                       'Кузнецов/Кузнецова|Kuznetsov/Kuznetsova', 'Попов/Попова|Popov/Popova')),
    'el': dict(locale='el-GR', family_first=False,
               given=('Νίκος|Nikos:m', 'Ελένη|Eleni:f', 'Γιώργος|Giorgos:m', 'Κατερίνα|Katerina:f'),
               family=('Παπαδόπουλος/Παπαδοπούλου|Papadopoulos/Papadopoulou',
                       'Οικονόμου|Oikonomou', 'Γεωργίου|Georgiou')),
    'vi': dict(locale='vi-VN', family_first=True,
               given=('Văn An:m', 'Thị Lan:f', 'Minh Tuấn:m', 'Thu Hương:f'),
               family=('Nguyễn', 'Trần', 'Lê', 'Phạm')),
    'ja': dict(locale='ja-JP', family_first=True, sep=' ',
               given=('美咲|Misaki:f', '翔太|Shota:m', '結衣|Yui:f', '蓮|Ren:m'),
               family=('佐藤|Sato', '鈴木|Suzuki', '高橋|Takahashi', '田中|Tanaka')),
    'zh': dict(locale='zh-CN', family_first=True, sep='',
               given=('芳|Fang:f', '伟|Wei:m', '静|Jing:f', '建国|Jianguo:m', '秀英|Xiuying:f'),
               family=('王|Wang', '李|Li', '张|Zhang', '刘|Liu', '陈|Chen')),
    'ar': dict(locale='ar-AE', family_first=False,
               given=('محمد|Mohammed:m', 'فاطمة|Fatima:f', 'عمر|Omar:m', 'ليلى|Layla:f'),
               family=('حداد|Haddad', 'منصور|Mansour', 'الحسيني|Al-Husseini', 'خوري|Khoury')),
    'hi': dict(locale='en-IN', family_first=False,
               given=('Priya:f', 'Arjun:m', 'Ananya:f', 'Rohan:m'),
               family=('Sharma', 'Patel', 'Iyer', 'Reddy')),
}


def _split_native_latin(entry):
    if '|' in entry:
        native, latin = entry.split('|')
        return native, latin
    return entry, asciify(entry)


def make_person(rng, culture_key):
    c = CULTURES[culture_key]
    given_entry, gender = rng.choice(c['given']).rsplit(':', 1)
    g_native, g_latin = _split_native_latin(given_entry)
    f_native, f_latin = _split_native_latin(rng.choice(c['family']))
    if '/' in f_native:
        idx = 0 if gender == 'm' else 1
        f_native = f_native.split('/')[idx]
        f_latin = f_latin.split('/')[idx]
    sep = c.get('sep', ' ')
    if c['family_first']:
        display = f_native + sep + g_native
    else:
        display = g_native + ' ' + f_native
    latin_given = asciify(g_latin)
    latin_family = asciify(f_latin)
    return dict(display=display, given=g_native, family=f_native,
                latin=latin_given + ' ' + latin_family,
                handle=(latin_given + '.' + latin_family).lower().replace('-', ''),
                gender=gender, locale=c['locale'], culture=culture_key)


# Country -> (currency, tax rate in basis points, prices include tax, cities)
# City entries: (city, region or '', postal code, street names, lat, lon, IANA zone)
COUNTRIES = {
    'DE': ('EUR', 1900, True, (
        ('Berlin', '', '10115', ('Invalidenstraße', 'Chausseestraße', 'Torstraße'), 52.5326, 13.3845, 'Europe/Berlin'),
        ('München', '', '80331', ('Sendlinger Straße', 'Rosenstraße', 'Hackenstraße'), 48.1351, 11.5720, 'Europe/Berlin'),
        ('Köln', '', '50667', ('Hohe Straße', 'Schildergasse', 'Breite Straße'), 50.9384, 6.9574, 'Europe/Berlin'),
        ('Hamburg', '', '20095', ('Mönckebergstraße', 'Spitalerstraße', 'Steinstraße'), 53.5503, 10.0007, 'Europe/Berlin'),
        ('Leipzig', '', '04109', ('Grimmaische Straße', 'Petersstraße', 'Hainstraße'), 51.3397, 12.3731, 'Europe/Berlin'))),
    'AT': ('EUR', 2000, True, (
        ('Wien', '', '1010', ('Kärntner Straße', 'Graben', 'Rotenturmstraße'), 48.2082, 16.3738, 'Europe/Vienna'),
        ('Graz', '', '8010', ('Herrengasse', 'Sporgasse'), 47.0707, 15.4395, 'Europe/Vienna'))),
    'CH': ('CHF', 810, True, (
        ('Zürich', 'ZH', '8001', ('Bahnhofstrasse', 'Limmatquai', 'Rennweg'), 47.3769, 8.5417, 'Europe/Zurich'),
        ('Genève', 'GE', '1204', ('Rue du Rhône', 'Rue de la Confédération'), 46.2044, 6.1432, 'Europe/Zurich'))),
    'FR': ('EUR', 2000, True, (
        ('Paris', '', '75011', ('rue Oberkampf', 'boulevard Voltaire', 'rue de la Roquette'), 48.8647, 2.3780, 'Europe/Paris'),
        ('Lyon', '', '69002', ('rue de la République', 'quai Saint-Antoine'), 45.7600, 4.8320, 'Europe/Paris'),
        ('Marseille', '', '13001', ('La Canebière', 'rue Saint-Ferréol'), 43.2965, 5.3698, 'Europe/Paris'),
        ('Nantes', '', '44000', ('rue Crébillon', 'cours des Cinquante-Otages'), 47.2184, -1.5536, 'Europe/Paris'))),
    'ES': ('EUR', 2100, True, (
        ('Madrid', '', '28013', ('Calle de Alcalá', 'Gran Vía', 'Calle Mayor'), 40.4168, -3.7038, 'Europe/Madrid'),
        ('Barcelona', '', '08009', ('Carrer de Mallorca', 'Passeig de Gràcia'), 41.3874, 2.1686, 'Europe/Madrid'),
        ('Sevilla', '', '41004', ('Calle Sierpes', 'Avenida de la Constitución'), 37.3891, -5.9845, 'Europe/Madrid'))),
    'IT': ('EUR', 2200, True, (
        ('Milano', 'MI', '20121', ('Via Brera', 'Corso Garibaldi', 'Via Solferino'), 45.4642, 9.1900, 'Europe/Rome'),
        ('Roma', 'RM', '00184', ('Via Nazionale', 'Via dei Serpenti'), 41.9028, 12.4964, 'Europe/Rome'),
        ('Torino', 'TO', '10123', ('Via Po', 'Via Roma'), 45.0703, 7.6869, 'Europe/Rome'))),
    'PL': ('PLN', 2300, True, (
        ('Warszawa', '', '00-695', ('ul. Marszałkowska', 'ul. Nowy Świat', 'al. Jerozolimskie'), 52.2297, 21.0122, 'Europe/Warsaw'),
        ('Kraków', '', '31-010', ('ul. Floriańska', 'ul. Grodzka'), 50.0647, 19.9450, 'Europe/Warsaw'),
        ('Gdańsk', '', '80-831', ('ul. Długa', 'ul. Mariacka'), 54.3520, 18.6466, 'Europe/Warsaw'))),
    'SE': ('SEK', 2500, True, (
        ('Stockholm', '', '111 57', ('Drottninggatan', 'Kungsgatan', 'Götgatan'), 59.3293, 18.0686, 'Europe/Stockholm'),
        ('Göteborg', '', '411 03', ('Kungsportsavenyen', 'Vasagatan'), 57.7089, 11.9746, 'Europe/Stockholm'),
        ('Malmö', '', '211 22', ('Södergatan', 'Stortorget'), 55.6050, 13.0038, 'Europe/Stockholm'))),
    'GB': ('GBP', 2000, True, (
        ('London', '', 'N1 9GU', ('Upper Street', 'Essex Road', 'Liverpool Road'), 51.5390, -0.1027, 'Europe/London'),
        ('Manchester', '', 'M1 1AE', ('Deansgate', 'Oldham Street'), 53.4808, -2.2426, 'Europe/London'),
        ('Edinburgh', '', 'EH1 1YZ', ('Cockburn Street', 'Victoria Street'), 55.9533, -3.1883, 'Europe/London'))),
    'IE': ('EUR', 2300, True, (
        ('Dublin', 'Co. Dublin', 'D02 X285', ('Dame Street', 'Camden Street Lower'), 53.3498, -6.2603, 'Europe/Dublin'),
        ('Cork', 'Co. Cork', 'T12 W8DP', ('Oliver Plunkett Street', 'MacCurtain Street'), 51.8985, -8.4756, 'Europe/Dublin'))),
    'US': ('USD', 0, False, (
        ('New York', 'NY', '10011', ('W 14th St', '8th Ave', 'Hudson St'), 40.7128, -74.0060, 'America/New_York'),
        ('San Francisco', 'CA', '94103', ('Valencia St', 'Mission St', 'Folsom St'), 37.7749, -122.4194, 'America/Los_Angeles'),
        ('Chicago', 'IL', '60614', ('N Clark St', 'W Armitage Ave'), 41.8781, -87.6298, 'America/Chicago'),
        ('Austin', 'TX', '78701', ('Congress Ave', 'E 6th St'), 30.2672, -97.7431, 'America/Chicago'),
        ('Seattle', 'WA', '98101', ('Pike St', '1st Ave'), 47.6062, -122.3321, 'America/Los_Angeles'))),
    'CA': ('CAD', 1300, False, (
        ('Toronto', 'ON', 'M5V 2T6', ('Queen St W', 'King St W', 'Spadina Ave'), 43.6532, -79.3832, 'America/Toronto'),
        ('Montréal', 'QC', 'H2X 1Y4', ('Rue Saint-Denis', 'Boulevard Saint-Laurent'), 45.5017, -73.5673, 'America/Toronto'))),
    'BR': ('BRL', 0, True, (
        ('São Paulo', 'SP', '01310-100', ('Avenida Paulista', 'Rua Augusta', 'Rua Oscar Freire'), -23.5505, -46.6333, 'America/Sao_Paulo'),
        ('Rio de Janeiro', 'RJ', '22070-011', ('Avenida Atlântica', 'Rua Barata Ribeiro'), -22.9068, -43.1729, 'America/Sao_Paulo'))),
    'TR': ('TRY', 2000, True, (
        ('İstanbul', '', '34433', ('İstiklal Caddesi', 'Bağdat Caddesi'), 41.0082, 28.9784, 'Europe/Istanbul'),
        ('İzmir', '', '35210', ('Kıbrıs Şehitleri Caddesi',), 38.4237, 27.1428, 'Europe/Istanbul'))),
}

# US sales tax varies by state (added on top of prices); basis points.
US_STATE_TAX = {'NY': 888, 'CA': 863, 'IL': 1025, 'TX': 825, 'WA': 1025}
CA_PROVINCE_TAX = {'ON': 1300, 'QC': 1498}

# Euro-cent price -> local minor units, as integer per-mille multipliers.
FX_PERMILLE = {'EUR': 1000, 'USD': 1090, 'GBP': 860, 'CHF': 960, 'PLN': 4310,
               'SEK': 11280, 'CAD': 1470, 'BRL': 5410, 'TRY': 35100}

EMAIL_DOMAINS = ('gmail.com', 'gmail.com', 'outlook.com', 'icloud.com', 'proton.me', 'hotmail.com')
LOCAL_EMAIL_DOMAINS = {
    'DE': ('web.de', 'gmx.de', 't-online.de'), 'AT': ('gmx.at', 'aon.at'), 'CH': ('bluewin.ch', 'gmx.ch'),
    'FR': ('orange.fr', 'free.fr', 'laposte.net'), 'ES': ('telefonica.net', 'yahoo.es'),
    'IT': ('libero.it', 'virgilio.it'), 'PL': ('wp.pl', 'onet.pl', 'o2.pl'), 'SE': ('telia.com', 'bredband.net'),
    'GB': ('yahoo.co.uk', 'btinternet.com'), 'IE': ('eircom.net',), 'US': ('yahoo.com', 'aol.com'),
    'CA': ('shaw.ca', 'videotron.ca'), 'BR': ('uol.com.br', 'bol.com.br'), 'TR': ('hotmail.com.tr', 'yandex.com.tr'),
}

# (sku, product name, price in euro cents, category, weight in grams)
PRODUCTS = (
    ('KT-CI26-BLK', 'Cast Iron Skillet, 26 cm, pre-seasoned', 3499, 'kitchen', 2650),
    ('KT-PO02-WHT', 'Ceramic Pour-Over Coffee Dripper, size 02', 2290, 'kitchen', 410),
    ('KT-CB45-OAK', 'End-Grain Oak Cutting Board 45 × 30 cm', 8900, 'kitchen', 3900),
    ('KT-TORCH-01', 'Crème Brûlée Torch with Safety Lock', 2999, 'kitchen', 320),
    ('GR-ESP-1KG', 'Espresso Beans „Milano“ Dark Roast, 1 kg', 2450, 'grocery', 1050),
    ('GR-DRJ-100', 'Organic Darjeeling First Flush Tea, 100 g', 1390, 'grocery', 140),
    ('GR-MAT-030', 'Ceremonial Grade Matcha (抹茶) from Uji, 30 g', 2800, 'grocery', 90),
    ('EL-C2HDMI-8K', 'USB-C to HDMI 2.1 Adapter, 8K@60Hz', 2199, 'electronics', 45),
    ('EL-ANC-700', 'Wireless Noise-Cancelling Over-Ear Headphones', 24900, 'electronics', 560),
    ('EL-PB-20K', 'Power Bank 20,000 mAh, 65 W USB-C PD', 4599, 'electronics', 430),
    ('EL-SLV-133', '13.3" Laptop Sleeve – Recycled Felt, Charcoal', 3490, 'electronics', 280),
    ('EL-KB-TKL-DE', 'Mechanical Keyboard TKL, German layout (QWERTZ), brown switches', 11900, 'electronics', 980),
    ('EL-CBL-C2M', 'Braided USB-C Cable 2 m (240 W)', 1499, 'electronics', 70),
    ('AP-MER-CRW-NV-L', "Men's Merino Wool Crew Neck Sweater – Navy, L", 8900, 'apparel', 390),
    ('AP-TRL-W-38', "Women's Trail Running Shoes, EU 38", 12995, 'apparel', 610),
    ('AP-SOCK-3P-3942', 'Merino Hiking Socks (3-pack), size 39–42', 2400, 'apparel', 180),
    ('AP-RAIN-U-M', 'Packable Rain Jacket, Unisex, M', 7900, 'apparel', 340),
    ('HM-LIN-DUV-SG', 'Washed Linen Duvet Cover 200 × 220 cm, Sage', 11900, 'home', 1450),
    ('HM-CNDL-FIG', 'Scented Soy Candle – Fig & Cedar, 220 g', 1800, 'home', 480),
    ('HM-LAMP-BRS', 'Desk Lamp with Dimmer, E27, Brushed Brass', 6900, 'home', 1700),
    ('SP-YOGA-6-TC', 'Non-Slip Yoga Mat 6 mm, Terracotta', 3900, 'sports', 1800),
    ('SP-BTL-750-SS', 'Insulated Stainless Steel Bottle 750 ml', 2995, 'sports', 390),
    ('SP-KB-12', 'Cast Iron Kettlebell 12 kg', 4490, 'sports', 12000),
    ('BK-BIRDS-EU3', 'Field Guide to the Birds of Europe, 3rd edition', 2899, 'books', 820),
    ('TY-PZ1000-LOF', '1000-Piece Puzzle – Lofoten Islands at Dusk', 1999, 'toys', 650),
    ('TY-TRAIN-52', 'Wooden Train Set, 52 pieces', 4999, 'toys', 2300),
    ('BT-SPF50-50', 'Mineral Sunscreen SPF 50, 50 ml', 1650, 'beauty', 75),
    ('BT-RAZOR-KIT', 'Safety Razor Shaving Kit with 10 Blades', 3900, 'beauty', 360),
    ('GD-SEED-SMZ', "Heirloom Tomato Seeds 'San Marzano', 50 seeds", 395, 'garden', 10),
    ('GD-PRUNE-20', 'Bypass Pruning Shears, 20 mm cut', 2790, 'garden', 240),
)

USER_AGENTS = (
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.105 Mobile Safari/537.36',
    'AcmeShop/5.2.1 (iPhone15,2; iOS 17.4; Scale/3.00)',
    'okhttp/4.12.0',
    'curl/8.5.0',
    'python-requests/2.31.0',
)


def price_in(currency, eur_cents):
    """Local price in minor units, rounded to a psychological .99 / .95 / .00 ending."""
    raw = eur_cents * FX_PERMILLE[currency] // 1000
    if currency == 'TRY':
        return (raw // 1000) * 1000 + 900          # 1.249,00 TL style
    whole = raw // 100
    ending = eur_cents % 100
    if ending in (99, 95, 0):
        return whole * 100 + ending
    return whole * 100 + 90


def make_address(rng, country, person):
    city, region, postal, streets, lat, lon, tz = rng.choice(COUNTRIES[country][3])
    street = rng.choice(streets)
    number = rng.randint(1, 180)
    if country in ('US', 'CA', 'GB', 'IE'):
        line1 = '%d %s' % (number, street)
    elif country == 'FR':
        line1 = '%d %s' % (number, street) if rng.random() < 0.8 else '%d bis, %s' % (number, street)
    elif country == 'BR':
        line1 = '%s, %d' % (street, number)
    elif country == 'TR':
        line1 = '%s No: %d' % (street, number)
    else:
        line1 = '%s %d' % (street, number)
    line2 = None
    if rng.random() < 0.3:
        line2 = {'DE': 'Hinterhaus, 3. OG', 'AT': 'Stiege 2, Top 14', 'CH': 'c/o Coworking Space',
                 'FR': 'Bâtiment B, 2e étage', 'ES': '3º izquierda', 'IT': 'Scala C, interno 7',
                 'PL': 'm. 12', 'SE': 'Lgh 1102', 'GB': 'Flat 4', 'IE': 'Apartment 12',
                 'US': 'Apt 5C', 'CA': 'Unit 1207', 'BR': 'Apto 82', 'TR': 'Daire 5'}[country]
    return {
        'recipient': person['display'],
        'line1': line1,
        'line2': line2,
        'city': city,
        'region': region,
        'postal_code': postal,
        'country': country,
    }


def make_phone(rng, country):
    d = lambda n: ''.join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    return {
        'DE': '+49 30 ' + d(7), 'AT': '+43 1 ' + d(7), 'CH': '+41 44 ' + d(3) + ' ' + d(2) + ' ' + d(2),
        'FR': '+33 6 ' + ' '.join(d(2) for _ in range(4)), 'ES': '+34 6' + d(2) + ' ' + d(3) + ' ' + d(3),
        'IT': '+39 3' + d(2) + ' ' + d(7), 'PL': '+48 5' + d(2) + ' ' + d(3) + ' ' + d(3),
        'SE': '+46 70 ' + d(3) + ' ' + d(2) + ' ' + d(2), 'GB': '+44 7700 900' + d(3),
        'IE': '+353 87 ' + d(7), 'US': '+1 212-555-01' + d(2), 'CA': '+1 416-555-01' + d(2),
        'BR': '+55 11 9' + d(4) + '-' + d(4), 'TR': '+90 5' + d(2) + ' ' + d(3) + ' ' + d(2) + ' ' + d(2),
    }[country]


# ---------------------------------------------------------------------------
# orders/
# ---------------------------------------------------------------------------

ORDER_FLOW = ('created', 'payment_authorized', 'paid', 'picking', 'shipped', 'delivered')
CARRIERS = {'DE': 'DHL', 'AT': 'Österreichische Post', 'CH': 'Swiss Post', 'FR': 'Colissimo',
            'ES': 'Correos Express', 'IT': 'BRT', 'PL': 'InPost', 'SE': 'PostNord', 'GB': 'Royal Mail',
            'IE': 'An Post', 'US': 'UPS', 'CA': 'Canada Post', 'BR': 'Correios', 'TR': 'Yurtiçi Kargo'}
DISCOUNT_CODES = (('SPRING15', 'percent', 15), ('WELCOME10', 'percent', 10), ('FREESHIP', 'shipping', 0),
                  ('LOYALTY5', 'fixed', 500), ('BUNDLE20', 'percent', 20))
CHANNELS = (('web', 6), ('ios', 3), ('android', 3), ('marketplace', 1))
ORDER_NOTES = (
    'Bitte beim Nachbarn (Hinterhaus) abgeben, falls niemand da ist.',
    "Please leave the parcel with the concierge, it's a gift 🎁",
    'Merci de sonner deux fois, l’interphone est capricieux.',
    'Entregar por la tarde, por favor.',
    'Proszę o fakturę VAT na firmę.',
    'Gift wrap please — no price tags!',
    'Lämna paketet vid dörren.',
    None, None, None, None, None,
)


def culture_for_country(rng, country):
    natives = {'DE': 'de', 'AT': 'de', 'CH': 'de', 'FR': 'fr', 'ES': 'es', 'IT': 'it', 'PL': 'pl',
               'SE': 'sv', 'GB': 'en', 'IE': 'en', 'US': 'en', 'CA': 'en', 'BR': 'pt', 'TR': 'tr'}
    if rng.random() < 0.75:
        return natives[country]
    return rng.choice(('en', 'de', 'fr', 'es', 'it', 'pl', 'tr', 'ru', 'el', 'vi', 'ja', 'zh',
                       'ar', 'hi', 'pt', 'sv'))


def make_order(rng, order_no, start_s, max_items=5, stage=None, min_items=1):
    """One order snapshot: customer, items, discounts, totals, status history."""
    country = weighted(rng, (('DE', 9), ('FR', 5), ('GB', 5), ('US', 6), ('ES', 3), ('IT', 3),
                             ('PL', 3), ('SE', 2), ('AT', 2), ('CH', 2), ('IE', 1), ('CA', 2),
                             ('BR', 2), ('TR', 1)))
    currency, tax_bp, tax_included, _ = COUNTRIES[country]
    person = make_person(rng, culture_for_country(rng, country))
    ship = make_address(rng, country, person)
    if country == 'US':
        tax_bp = US_STATE_TAX[ship['region']]
    elif country == 'CA':
        tax_bp = CA_PROVINCE_TAX[ship['region']]

    n_items = weighted(rng, ((1, 5), (2, 4), (3, 3), (4, 2), (5, 1)))
    n_items = min(max(n_items, min_items), max_items)
    products = rng.sample(PRODUCTS, n_items)
    items = []
    subtotal = 0
    for i, (sku, name, eur, category, grams) in enumerate(products, 1):
        qty = weighted(rng, ((1, 10), (2, 4), (3, 1), (6, 1)))
        unit = price_in(currency, eur)
        line_total = unit * qty
        subtotal += line_total
        items.append({
            'line_id': i,
            'sku': sku,
            'name': name,
            'category': category,
            'quantity': qty,
            'unit_price_cents': unit,
            'line_total_cents': line_total,
            'weight_g': grams * qty,
            'gift_wrap': rng.random() < 0.08,
        })

    discounts = []
    discount_total = 0
    shipping = 0 if subtotal >= price_in(currency, 5000) else price_in(currency, 495)
    if rng.random() < 0.35:
        code, kind, value = rng.choice(DISCOUNT_CODES)
        if kind == 'percent':
            amount = subtotal * value // 100
        elif kind == 'fixed':
            amount = min(subtotal, price_in(currency, value) // 100 * 100)
        else:
            amount = shipping
        discounts.append({'code': code, 'kind': kind, 'value': value, 'amount_cents': amount})
        discount_total += amount

    net = subtotal - discount_total + shipping
    if tax_included:
        tax = (net * tax_bp + (10000 + tax_bp) // 2) // (10000 + tax_bp)
        total = net
    else:
        tax = (net * tax_bp + 5000) // 10000
        total = net + tax

    # Status history up to the requested stage.
    if stage is None:
        stage = weighted(rng, (('created', 2), ('paid', 3), ('shipped', 4), ('delivered', 5),
                               ('cancelled', 1), ('refunded', 1)))
    flow = list(ORDER_FLOW)
    if stage in ('cancelled',):
        flow = ['created', 'payment_authorized', 'cancelled']
    elif stage == 'refunded':
        flow = list(ORDER_FLOW) + ['return_requested', 'refunded']
    else:
        flow = flow[:flow.index(stage) + 1]
    t = start_s + rng.random()
    history = []
    actors = {'created': 'customer', 'payment_authorized': 'psp:adyen', 'paid': 'psp:adyen',
              'picking': 'warehouse:LEJ-1', 'shipped': 'warehouse:LEJ-1',
              'delivered': 'carrier:' + CARRIERS[country], 'cancelled': 'customer-service',
              'return_requested': 'customer', 'refunded': 'psp:adyen'}
    gaps = {'created': 0, 'payment_authorized': 4, 'paid': 90, 'picking': 3 * 3600,
            'shipped': 5 * 3600, 'delivered': 40 * 3600, 'cancelled': 1800,
            'return_requested': 5 * 86400, 'refunded': 3 * 86400}
    for status in flow:
        t += gaps[status] * (0.5 + rng.random()) if gaps[status] else 0
        entry = {'status': status, 'at': rfc3339(at(t)), 'actor': actors[status], 'note': None}
        if status == 'shipped':
            entry['note'] = '%s tracking %s' % (CARRIERS[country], ''.join(
                rng.choice('0123456789') for _ in range(12)))
        elif status == 'cancelled':
            entry['note'] = rng.choice(('Customer changed their mind', 'Duplicate order',
                                        'Payment flagged by fraud check'))
        elif status == 'return_requested':
            entry['note'] = rng.choice(('Wrong size', 'Arrived damaged', 'Not as described'))
        history.append(entry)

    method = weighted(rng, (('card', 6), ('paypal', 3), ('klarna', 2), ('apple_pay', 2),
                            ('sepa_debit', 1)))
    has_card = method in ('card', 'apple_pay')
    payment = {
        'method': method,
        'card_brand': weighted(rng, (('visa', 5), ('mastercard', 4), ('amex', 1))) if has_card else None,
        'last4': '%04d' % rng.randrange(10000) if has_card else None,
        'psp_reference': base62(rng, 16).upper(),
        'captured': stage not in ('created', 'cancelled'),
    }
    year = rng.randint(1958, 2004)
    email_user = weighted(rng, ((person['handle'], 6),
                                (person['handle'].replace('.', '') + '%02d' % (year % 100), 2),
                                (person['handle'].split('.')[0] + str(year), 2)))
    domains = EMAIL_DOMAINS + LOCAL_EMAIL_DOMAINS[country] * 2
    order = {
        'order_id': 'ORD-2024-%07d' % order_no,
        'channel': weighted(rng, CHANNELS),
        'customer': {
            'customer_id': 'cus_' + base62(rng, 14),
            'name': person['display'],
            'email': email_user + '@' + rng.choice(domains),
            'phone': make_phone(rng, country),
            'locale': person['locale'],
            'is_guest': rng.random() < 0.2,
            'shipping_address': ship,
            'billing_address': None if rng.random() < 0.7 else make_address(rng, country, person),
        },
        'currency': currency,
        'prices_include_tax': tax_included,
        'tax_rate': tax_bp / 10000,
        'items': items,
        'discounts': discounts,
        'subtotal_cents': subtotal,
        'discount_cents': discount_total,
        'shipping_cents': shipping,
        'tax_cents': tax,
        'total_cents': total,
        'payment': payment,
        'note': rng.choice(ORDER_NOTES),
        'refunds': [],
        'created_at': history[0]['at'],
        'updated_at': history[-1]['at'],
        'status': history[-1]['status'],
        'status_history': history,
    }
    if stage == 'refunded':
        # The customer sent one line back; refund its price (and its share of any percent discount).
        line = rng.choice(items)
        amount = line['unit_price_cents']
        if discounts and discounts[0]['kind'] == 'percent':
            amount -= amount * discounts[0]['value'] // 100
        order['refunds'].append({
            'refund_id': 're_' + base62(rng, 18),
            'line_id': line['line_id'],
            'quantity': 1,
            'amount_cents': amount,
            'reason': history[-2]['note'],
            'refunded_at': history[-1]['at'],
        })
    return order, t


def order_event(rng, order, seq):
    event_type = {'created': 'order.created', 'payment_authorized': 'order.payment_authorized',
                  'paid': 'order.paid', 'picking': 'order.picking', 'shipped': 'order.shipped',
                  'delivered': 'order.delivered', 'cancelled': 'order.cancelled',
                  'return_requested': 'order.return_requested', 'refunded': 'order.refunded'}
    return {
        'event_id': uuid4(rng),
        'event_type': event_type[order['status']],
        'schema_version': '1.3.0',
        'sequence': seq,
        'occurred_at': order['updated_at'],
        'producer': 'orders-service@4.18.2',
        'order': order,
    }


def gen_orders(files, seed):
    rng = random.Random('wirekit-corpus/%d/orders/order-created.json' % seed)
    order, _ = make_order(rng, 31877, 3600, max_items=2, stage='created')
    files['orders/order-created.json'] = to_json(order_event(rng, order, 1))

    rng = random.Random('wirekit-corpus/%d/orders/order-refunded.json' % seed)
    order, _ = make_order(rng, 31902, 7200, max_items=4, stage='refunded', min_items=3)
    files['orders/order-refunded.json'] = to_json(order_event(rng, order, 9))

    rng = random.Random('wirekit-corpus/%d/orders/order-shipped.msgpack' % seed)
    order, _ = make_order(rng, 31911, 9000, max_items=3, stage='shipped')
    files['orders/order-shipped.msgpack'] = msgpack_encode(order_event(rng, order, 5))

    rng = random.Random('wirekit-corpus/%d/orders/events-batch.json' % seed)
    events = []
    t = 0.0
    size = 0
    order_no = 40012
    while size < 100 * 1000:
        order, _ = make_order(rng, order_no, t)
        event = order_event(rng, order, len(events) + 1)
        events.append(event)
        size += json_len(event) + 1
        t += 20 + rng.random() * 300
        order_no += rng.randint(1, 9)
    batch = {
        'batch_id': uuid4(rng),
        'topic': 'orders.events.v1',
        'partition': 3,
        'first_offset': 1884211,
        'produced_at': rfc3339(at(t)),
        'event_count': len(events),
        'events': events,
    }
    files['orders/events-batch.json'] = to_json(batch)

    # The same kind of events as a stream, one JSON value per line, as a
    # consumer of the topic would dump it: about 2 MB.
    rng = random.Random('wirekit-corpus/%d/orders/events.jsonl' % seed)
    lines = []
    size = 0
    t = 0.0
    order_no = 52040
    while size < 2000 * 1000:
        order, _ = make_order(rng, order_no, t)
        line = to_json(order_event(rng, order, len(lines) + 1))
        lines.append(line)
        size += len(line)
        t += 5 + rng.random() * 60
        order_no += rng.randint(1, 9)
    files['orders/events.jsonl'] = b''.join(lines)


# ---------------------------------------------------------------------------
# http/
# ---------------------------------------------------------------------------

def traceparent(rng):
    return '00-%s-%s-01' % (hex_id(rng, 16), hex_id(rng, 8))


def fake_jwt(rng, subject, iat):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')
    header = {'alg': 'RS256', 'typ': 'JWT', 'kid': '2024-03-rot-a'}
    payload = {'iss': 'https://auth.example.com/', 'sub': subject, 'aud': 'shop-api',
               'iat': iat, 'exp': iat + 900, 'scope': 'profile:read profile:write orders:read'}
    enc = lambda o: b64(json.dumps(o, separators=(',', ':')).encode('utf-8'))  # noqa: E731
    return '%s.%s.%s' % (enc(header), enc(payload), b64(rng.randbytes(256)))


def timing(rng, tls=True, fast=False):
    dns = rnd(rng.random() * (0.4 if fast else 18.0), 3)
    connect = rnd((0.1 if fast else 8.0) + rng.random() * (0.3 if fast else 25.0), 3)
    tls_ms = rnd(20.0 + rng.random() * 40.0, 3) if tls else 0.0
    ttfb = rnd((0.3 if fast else 25.0) + rng.random() * (1.0 if fast else 180.0), 3)
    download = rnd(rng.random() * (0.2 if fast else 12.0), 3)
    return {'dns_ms': dns, 'connect_ms': connect, 'tls_ms': tls_ms, 'ttfb_ms': ttfb,
            'download_ms': download, 'total_ms': rnd(dns + connect + tls_ms + ttfb + download, 3)}


def body_bytes(body):
    return len(json.dumps(body, ensure_ascii=False, separators=(',', ':')).encode('utf-8'))


def gen_http(files, seed):
    # 1. Kubernetes liveness probe: the smallest envelope.
    rng = random.Random('wirekit-corpus/%d/http/get-healthz.json' % seed)
    body = {'status': 'ok', 'checks': {'db': 'ok', 'redis': 'ok'}}
    files['http/get-healthz.json'] = to_json({
        'exchange_id': uuid4(rng),
        'started_at': rfc3339(at(12.0 + rng.random()), 6),
        'client_ip': '10.42.%d.%d' % (rng.randint(0, 15), rng.randint(2, 250)),
        'request': {
            'method': 'GET', 'scheme': 'http', 'host': 'checkout.orders.svc.cluster.local:8080',
            'path': '/healthz', 'query': {},
            'headers': {'User-Agent': 'kube-probe/1.29', 'Accept': '*/*', 'Connection': 'close'},
            'body': None,
        },
        'response': {
            'status': 200, 'reason': 'OK',
            'headers': {'Content-Type': 'application/json', 'Content-Length': str(body_bytes(body))},
            'body': body,
        },
        'timing': timing(rng, tls=False, fast=True),
    })

    # 2. Product search: query string, content negotiation, caching headers.
    rng = random.Random('wirekit-corpus/%d/http/get-product-search.json' % seed)
    hits = []
    apparel = [p for p in PRODUCTS if p[3] == 'apparel']
    for sku, name, eur, category, _ in rng.sample(apparel, 4):
        hits.append({'sku': sku, 'name': name, 'price_cents': eur, 'currency': 'EUR',
                     'in_stock': rng.random() < 0.8, 'rating': rnd(3.6 + rng.random() * 1.4, 1),
                     'review_count': rng.randint(3, 2400),
                     'image': 'https://cdn.example.com/img/p/%s/400x400.webp' % sku.lower()})
    body = {'query': 'outdoor', 'lang': 'en-GB', 'page': 2, 'per_page': 4, 'total': 17,
            'took_ms': rng.randint(8, 40), 'items': hits,
            'next': '/api/v2/products/search?q=outdoor&lang=en-GB&page=3&per_page=4&sort=relevance&filter%5Bcategory%5D=apparel'}
    etag = 'W/"%x-%s"' % (body_bytes(body), hex_id(rng, 8))
    files['http/get-product-search.json'] = to_json({
        'exchange_id': uuid4(rng),
        'started_at': rfc3339(at(300.0 + rng.random() * 60), 6),
        'client_ip': '198.51.100.%d' % rng.randint(2, 250),
        'request': {
            'method': 'GET', 'scheme': 'https', 'host': 'shop.example.com',
            'path': '/api/v2/products/search',
            'query': {'q': 'outdoor', 'lang': 'en-GB', 'page': '2', 'per_page': '4',
                      'sort': 'relevance', 'filter[category]': 'apparel'},
            'headers': {
                'Host': 'shop.example.com',
                'User-Agent': USER_AGENTS[0],
                'Accept': 'application/json, text/plain;q=0.9, */*;q=0.8',
                'Accept-Encoding': 'gzip, deflate, br, zstd',
                'Accept-Language': 'en-GB,en;q=0.9,de-DE;q=0.8,de;q=0.7',
                'Referer': 'https://shop.example.com/en-gb/search?q=outdoor',
                'X-Request-Id': uuid4(rng),
                'traceparent': traceparent(rng),
                'If-None-Match': 'W/"1f3a-%s"' % hex_id(rng, 8),
            },
            'body': None,
        },
        'response': {
            'status': 200, 'reason': 'OK',
            'headers': {
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': str(body_bytes(body)),
                'Cache-Control': 'public, max-age=60, stale-while-revalidate=300',
                'ETag': etag,
                'Vary': 'Accept-Encoding, Accept-Language',
                'Server-Timing': 'db;dur=%.1f, search;dur=%.1f, app;dur=%.1f' % (
                    rng.random() * 20, rng.random() * 30, rng.random() * 15),
            },
            'body': body,
        },
        'timing': timing(rng),
    })

    # 3. Failed login: RFC 9457 problem details, an error in German.
    rng = random.Random('wirekit-corpus/%d/http/post-login-unauthorized.json' % seed)
    person = make_person(rng, 'de')
    req_body = {'email': person['handle'] + '@web.de', 'password': '[REDACTED]',
                'remember_me': True, 'mfa_code': None}
    body = {'type': 'https://docs.example.com/problems/invalid-credentials',
            'title': 'Invalid credentials', 'status': 401,
            'detail': 'E-Mail-Adresse oder Passwort ist falsch. Noch 2 Versuche, danach wird das Konto für 15 Minuten gesperrt.',
            'instance': '/api/v2/auth/login', 'attempts_remaining': 2, 'locked_until': None}
    files['http/post-login-unauthorized.json'] = to_json({
        'exchange_id': uuid4(rng),
        'started_at': rfc3339(at(902.0 + rng.random()), 6),
        'client_ip': '203.0.113.%d' % rng.randint(2, 250),
        'request': {
            'method': 'POST', 'scheme': 'https', 'host': 'shop.example.com',
            'path': '/api/v2/auth/login', 'query': {},
            'headers': {
                'Host': 'shop.example.com', 'User-Agent': USER_AGENTS[2],
                'Content-Type': 'application/json', 'Content-Length': str(body_bytes(req_body)),
                'Origin': 'https://shop.example.com', 'Accept-Language': 'de-DE,de;q=0.9',
                'X-Request-Id': uuid4(rng),
            },
            'body': req_body,
        },
        'response': {
            'status': 401, 'reason': 'Unauthorized',
            'headers': {
                'Content-Type': 'application/problem+json; charset=utf-8',
                'Content-Length': str(body_bytes(body)),
                'WWW-Authenticate': 'Bearer realm="shop", error="invalid_token"',
                'Cache-Control': 'no-store',
                'RateLimit-Policy': '5;w=900',
                'RateLimit': 'limit=5, remaining=2, reset=847',
            },
            'body': body,
        },
        'timing': timing(rng),
    })

    # 4. Profile update: big headers (JWT, cookies, CSP), Unicode in the body.
    rng = random.Random('wirekit-corpus/%d/http/put-profile.json' % seed)
    person = make_person(rng, 'pt')
    iat = BASE_EPOCH_S + 1500
    user_id = 'usr_' + base62(rng, 16)
    address = make_address(rng, 'BR', person)
    profile = {
        'display_name': person['display'],
        'given_name': person['given'],
        'family_name': person['family'],
        'pronouns': rng.choice((('ela/dela' if person['gender'] == 'f' else 'ele/dele'), None)),
        'bio': '%s amador%s, fã de café coado e de trilhas na Serra da Mantiqueira ☕🥾' % (
            ('Cozinheira', 'a') if person['gender'] == 'f' else ('Cozinheiro', '')),
        'language': 'pt-BR',
        'time_zone': 'America/Sao_Paulo',
        'currency': 'BRL',
        'default_address': address,
        'marketing': {'email': False, 'push': True, 'sms': False},
        'birthday': '1991-07-%02d' % rng.randint(1, 31),
    }
    resp_body = {'user_id': user_id, 'version': 7, 'updated_at': rfc3339(at(1500.42)), **profile,
                 'avatar_url': 'https://cdn.example.com/avatars/%s/256.jpg?v=7' % user_id,
                 'email_verified': True, 'mfa_enabled': False}
    cookie = '; '.join((
        '__Host-session=%s' % base62(rng, 43),
        'csrftoken=%s' % base62(rng, 32),
        'lang=pt-BR',
        'cart_id=%s' % uuid4(rng),
        '_ga=GA1.1.%d.%d' % (rng.randint(10**8, 10**9), BASE_EPOCH_S - rng.randint(10**5, 10**7)),
        'consent=%7B%22analytics%22%3Atrue%2C%22ads%22%3Afalse%7D',
    ))
    csp = ("default-src 'self'; script-src 'self' 'nonce-%s' https://js.stripe.com; "
           "style-src 'self' 'unsafe-inline'; img-src 'self' data: https://cdn.example.com; "
           "connect-src 'self' https://api.example.com wss://realtime.example.com; "
           "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; upgrade-insecure-requests"
           ) % base64.b64encode(rng.randbytes(18)).decode('ascii')
    files['http/put-profile.json'] = to_json({
        'exchange_id': uuid4(rng),
        'started_at': rfc3339(at(1500.0 + rng.random() * 0.3), 6),
        'client_ip': '2001:db8:%x:%x::%x' % (rng.randrange(65536), rng.randrange(65536), rng.randrange(65536)),
        'request': {
            'method': 'PUT', 'scheme': 'https', 'host': 'api.example.com',
            'path': '/api/v2/users/me/profile', 'query': {'fields': 'all', 'notify': 'false'},
            'headers': {
                'Host': 'api.example.com',
                'User-Agent': USER_AGENTS[4],
                'Authorization': 'Bearer ' + fake_jwt(rng, user_id, iat),
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': str(body_bytes(profile)),
                'Accept': 'application/json',
                'Accept-Language': 'pt-BR,pt;q=0.9,en;q=0.6',
                'If-Match': '"v6"',
                'Cookie': cookie,
                'X-Request-Id': uuid4(rng),
                'X-Client-Version': 'android/5.2.1 (build 5210044)',
                'traceparent': traceparent(rng),
                'tracestate': 'acme=t61rcWkgMzE,vendor=%s' % hex_id(rng, 8),
            },
            'body': profile,
        },
        'response': {
            'status': 200, 'reason': 'OK',
            'headers': {
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': str(body_bytes(resp_body)),
                'ETag': '"v7"',
                'Cache-Control': 'private, no-cache',
                'Content-Security-Policy': csp,
                'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
                'X-Content-Type-Options': 'nosniff',
                'Referrer-Policy': 'strict-origin-when-cross-origin',
                'Permissions-Policy': 'camera=(), microphone=(), geolocation=(self)',
                'Set-Cookie': '__Host-session=%s; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1209600' % base62(rng, 43),
                'Server-Timing': 'auth;dur=%.1f, db;dur=%.1f, app;dur=%.1f' % (
                    rng.random() * 5, 5 + rng.random() * 20, rng.random() * 10),
            },
            'body': resp_body,
        },
        'timing': timing(rng),
    })


# ---------------------------------------------------------------------------
# chat/
# ---------------------------------------------------------------------------

# Team members of a fictional multinational shop team: (display name, user name,
# locale, IANA time zone, language of their native-language messages).
CHAT_MEMBERS = (
    ('Anna Becker', 'anna.becker', 'de-DE', 'Europe/Berlin', 'de'),
    ('Léa Moreau', 'lea.moreau', 'fr-FR', 'Europe/Paris', 'fr'),
    ('Álvaro Núñez', 'alvaro.nunez', 'es-ES', 'Europe/Madrid', 'es'),
    ('João Araújo', 'joao.araujo', 'pt-BR', 'America/Sao_Paulo', 'pt'),
    ('Łukasz Wiśniewski', 'lukasz.w', 'pl-PL', 'Europe/Warsaw', 'pl'),
    ('Дмитрий Соколов', 'dmitry.sokolov', 'ru-RU', 'Europe/Moscow', 'ru'),
    ('Олена Коваленко', 'olena.kovalenko', 'uk-UA', 'Europe/Kyiv', 'uk'),
    ('Νίκος Παπαδόπουλος', 'nikos.p', 'el-GR', 'Europe/Athens', 'el'),
    ('王芳', 'wang.fang', 'zh-CN', 'Asia/Shanghai', 'zh'),
    ('佐藤 美咲', 'misaki.sato', 'ja-JP', 'Asia/Tokyo', 'ja'),
    ('김민준', 'minjun.kim', 'ko-KR', 'Asia/Seoul', 'ko'),
    ('ليلى حداد', 'layla.haddad', 'ar-AE', 'Asia/Dubai', 'ar'),
    ('נועה לוי', 'noa.levi', 'he-IL', 'Asia/Jerusalem', 'he'),
    ('Priya Sharma', 'priya.sharma', 'hi-IN', 'Asia/Kolkata', 'hi'),
    ('Emre Yılmaz', 'emre.yilmaz', 'tr-TR', 'Europe/Istanbul', 'tr'),
    ('Nguyễn Thị Lan', 'lan.nguyen', 'vi-VN', 'Asia/Ho_Chi_Minh', 'vi'),
    ('Emily O\'Connor', 'emily.oconnor', 'en-IE', 'Europe/Dublin', 'en'),
    ('James Walker', 'james.walker', 'en-US', 'America/New_York', 'en'),
)

# {m} is replaced by a mention of another member, {build} by a build number, {sku} by a SKU.
CHAT_TEXTS = {
    'en': (
        'Morning all! Build {build} is on staging, please give it a spin before 3pm.',
        '{m} can you take a look at the flaky checkout test? It failed twice on main overnight.',
        'LGTM 👍 merging after CI goes green.',
        'Heads up: the payments sandbox is down for maintenance until 14:00 UTC.',
        'Pushed a fix for the time zone bug — dates were off by one for users in UTC+13 (Tonga, Samoa).',
        'Does anyone know why the Tokyo warehouse shows 0 stock for {sku}?',
        'Standup notes are in the doc, I\'ll be 10 min late 🚆',
        'Thanks {m}, that did the trick 🙏',
        'Can we move the retro to Thursday? Half the team is out tomorrow.',
        'Release notes draft: https://docs.example.com/releases/{build}#changes',
        'p95 latency went from 180 ms to 420 ms after the deploy, rolling back.',
        'Rollback done, error rate is back to 0.02 %.',
        '{m} 🎉 congrats on shipping the new onboarding flow!',
        'Shipping to 🇯🇵 and 🇰🇷 is enabled in prod now 🚀',
        'I\'m off next week, {m} is covering on-call 🏖️',
        'Updated the Re\u0301sume\u0301 template (pasted from Pages, let\'s see if the accents survive)',
        'Fun fact: the longest product name in the catalog is 63 characters, the mobile layout truncates at 40.',
        'Has anyone seen "Unexpected token < in JSON at position 0" on the order page? Looks like a 502 HTML page.',
        'Family plan icons are in: 👨‍👩‍👧‍👦 👩‍👩‍👦 👨‍👨‍👧 — the ZWJ sequences render fine on Android 14.',
        'Quick poll: 👍🏻 👍🏽 👍🏿 for moving the demo to Friday?',
        '{m} the {test} test is flaky again, it failed {n} times on main overnight 😩',
        'Who owns the {service} dashboard? The error-rate panel has been empty since {hhmm} UTC.',
        'Incident review for INC-{inc} is on Tuesday at 15:00 CET, notes: https://docs.example.com/incidents/INC-{inc}',
        '{m} could you approve https://git.example.com/shop/{service}/pull/{pr}? It\'s a one-line fix.',
        'A customer in {city} says the postcode field rejects "{postcode}", looks like our regex again.',
        'Searching for "crème brûlée" returns nothing but "creme brulee" works. Diacritic folding is off in the new index.',
        'Coffee machine on the 3rd floor is fixed ☕',
        'Reminder: code freeze starts Friday 18:00 CET ❄️',
        'Conversion in 🇩🇪 is up 4.2 % since the new checkout, 🇫🇷 flat, 🇵🇱 +1.8 %.',
        'Does the app handle RTL layouts properly? In the Arabic checkout the price sits on the wrong side.',
        'Load test on {service}: {rps} req/s sustained, p99 {ms} ms, zero errors 💪',
        'Heads up, I\'m rotating the staging DB credentials in 10 min.',
        'Why does the CSV export print 12,99 in some locales and 12.99 in others? We store cents everywhere.',
        '{m} nice catch on the off-by-one in pagination 👏',
        'Moving the demo to 4pm, sorry for the churn.',
        'The {service} pods restarted {n} times in the last hour (OOMKilled), I bumped the limit to 1 GiB.',
        'Translation freeze for the spring campaign is tomorrow, please land copy changes today 🙏',
    ),
    'de': (
        'Guten Morgen! Ich schaue mir das Problem mit den Umlauten im CSV-Export gleich an.',
        'Die Übersetzung für „Warenkorb“ fehlt noch in der App, {m} kannst du das prüfen?',
        'Bin heute im Homeoffice, die Besprechung um 11 Uhr läuft über Video.',
        'Das Deployment ist durch, alle Prüfungen grün ✅',
        'Kurze Frage: Müssen wir die Größenangaben für Österreich anpassen?',
        'Schönes Wochenende euch allen! 🍻',
        'Straße vs. Strasse: die Schweizer Adressen schlagen in der Validierung fehl, Ticket ist angelegt.',
    ),
    'fr': (
        'Bonjour à tous\u00a0! La mise en production est prévue pour jeudi à 10\u00a0h.',
        '{m} j\'ai corrigé le problème d\'encodage sur la page «\u00a0Mon compte\u00a0».',
        'Désolée pour le retard, le RER était bloqué 😅',
        'Est-ce que quelqu\'un a déjà testé le paiement avec une carte émise à l\'étranger ?',
        'Très bonne idée, on en reparle à la rétro.',
        'Les traductions sont à jour, il manque juste les accents sur « Éléments » et « Reçu ».',
    ),
    'es': (
        '¡Buenos días! ¿Alguien puede revisar mi PR antes del mediodía?',
        '{m} ya está arreglado el cálculo del IVA para Canarias.',
        'Mañana no estaré, tengo cita con el médico.',
        '¡Qué bien! Por fin funciona la búsqueda con eñes y tildes 🎉',
        'El pedido de prueba llegó a Sevilla en 48 horas, perfecto.',
    ),
    'pt': (
        'Bom dia, pessoal! A integração com o Pix já está em homologação.',
        '{m} você consegue olhar o erro de validação do CEP? Está rejeitando o hífen.',
        'Valeu pela ajuda, ficou ótimo 👏',
        'Atualizei as traduções de “Finalizar compra” e “Frete grátis”.',
    ),
    'pl': (
        'Cześć! Poprawiłem błąd z polskimi znakami w nazwach ulic (ą, ę, ł, ż, ź).',
        '{m} czy możesz zerknąć na testy? Coś się sypie w module płatności.',
        'Jutro mam urlop, wracam w poniedziałek.',
        'Zamówienie testowe z Gdańska doszło bez problemu 👌',
    ),
    'ru': (
        'Всем привет! Выкатили новую версию на стейджинг, проверьте, пожалуйста.',
        '{m}, посмотри, пожалуйста, логи платёжного шлюза — там таймауты с утра.',
        'Спасибо, всё работает 👍',
        'Созвон переносится на 16:00 по Москве.',
        'Поправил перевод кнопки «Оформить заказ», теперь влезает в экран.',
    ),
    'uk': (
        'Добрий день! Сьогодні працюю з Києва, буду на зв’язку до 18:00.',
        '{m}, дякую за швидке виправлення 🙌',
        'Переклад сторінки оплати готовий, перевірте, будь ласка, наголоси й апострофи.',
    ),
    'el': (
        'Καλημέρα σε όλους! Το νέο build είναι έτοιμο για δοκιμές.',
        '{m} μπορείς να ελέγξεις τη μετάφραση στη σελίδα πληρωμής;',
        'Ευχαριστώ πολύ, τα λέμε αύριο.',
        'Η παράδοση στη Θεσσαλονίκη καθυστέρησε λόγω απεργίας.',
    ),
    'zh': (
        '大家好！新版本已经部署到测试环境，请帮忙验证一下。',
        '{m} 支付页面在 Safari 上显示不正常，你能看一下吗？',
        '收到，我下午处理。',
        '上海仓库的库存同步又失败了，日志里是超时。',
        '辛苦了 🎉 这次上线很顺利！',
    ),
    'ja': (
        'おはようございます！本日のリリースは15時からの予定です。',
        '{m} さん、決済画面の文言を確認していただけますか？',
        '了解です。対応します🙇‍♀️',
        '東京倉庫の在庫データ、同期が遅れているようです。',
        'お疲れさまでした！良い週末を 🌸',
        '半角ｶﾀｶﾅの商品名が検索でヒットしない件、NFKC正規化で直りました。',
    ),
    'ko': (
        '안녕하세요! 새 빌드가 스테이징에 배포되었습니다.',
        '{m} 님, 결제 오류 로그 공유해 주실 수 있나요?',
        '확인했습니다. 오늘 안에 수정할게요 😊',
        '서울 창고 재고 동기화가 다시 정상입니다.',
    ),
    'ar': (
        'صباح الخير! تم نشر الإصدار الجديد على بيئة الاختبار.',
        '{m} هل يمكنك مراجعة ترجمة صفحة الدفع؟',
        'شكراً جزيلاً، كل شيء يعمل الآن 👍',
        'سأكون خارج المكتب غداً، الطلب رقم 40213 ما زال قيد المراجعة.',
    ),
    'he': (
        'בוקר טוב! העלינו גרסה חדשה לסביבת הבדיקות.',
        'תודה רבה, נראה מצוין 🙏',
        'הכיוון של הטקסט בעמוד התשלום עדיין שגוי ב־Safari.',
    ),
    'hi': (
        'नमस्ते! नया बिल्ड स्टेजिंग पर है, कृपया जाँच लें।',
        '{m} धन्यवाद, अब सब ठीक चल रहा है 🙏',
    ),
    'tr': (
        'Günaydın! İstanbul deposundaki stok senkronizasyonu düzeldi.',
        '{m} ödeme sayfasındaki çeviri hatasını düzelttim, teşekkürler.',
        'Büyük İ ve küçük ı sorunu yine çıktı: "İSTANBUL".lower() yanlış sonuç veriyor 🙃',
    ),
    'vi': (
        'Chào mọi người! Bản cập nhật mới đã lên môi trường thử nghiệm.',
        '{m} ơi, anh xem giúp em lỗi hiển thị tiếng Việt trên trang thanh toán nhé.',
    ),
}

BOT_TEXTS = (
    '✅ Deployed checkout@{build} to production (eu-west-1) in {dur}',
    '⚠️ Alert resolved: HighErrorRate on payments-api (5xx ratio back under 1 %)',
    '🔔 New incident INC-{inc}: elevated latency on search in ap-northeast-1',
    '✅ Deployed storefront@{build} to staging in {dur}',
)

REACTION_EMOJI = ('👍', '🎉', '🙏', '❤️', '😂', '👀', '✅', '🚀', '🔥', '💯', '👍🏽', '🙇‍♂️')


CHAT_SLOTS = {
    '{test}': ('CheckoutFlowIT', 'test_refund_partial', 'PaymentRetrySpec', 'cart.spec.ts', 'TaxRoundingTest'),
    '{service}': ('checkout', 'search', 'recommender', 'edge-gateway', 'payments-api', 'storefront'),
    '{city}': ('Köln', 'Kraków', 'Göteborg', 'Montréal', 'São Paulo', 'İzmir', 'Genève', 'Dublin'),
    '{postcode}': ('1O115', 'SW1A1AA', '00 950', 'D02X285', '3100-'),
}


def deal(rng, decks, key, pool):
    """Draw from a shuffled deck so that texts repeat only after the whole pool was used."""
    deck = decks.get(key)
    if not deck:
        deck = list(pool)
        rng.shuffle(deck)
        decks[key] = deck
    return deck.pop()


def chat_text(rng, lang, members, me, decks):
    if lang == 'bot':
        text = deal(rng, decks, 'bot', BOT_TEXTS)
    else:
        text = deal(rng, decks, lang, CHAT_TEXTS[lang])
    for slot, values in CHAT_SLOTS.items():
        text = text.replace(slot, rng.choice(values))
    text = text.replace('{n}', str(rng.randint(2, 5)))
    text = text.replace('{hhmm}', '%02d:%02d' % (rng.randint(0, 23), rng.randrange(0, 60, 5)))
    text = text.replace('{pr}', str(rng.randint(1000, 4999)))
    text = text.replace('{rps}', '{:,}'.format(rng.randrange(1500, 9000, 50)))
    text = text.replace('{ms}', str(rng.randint(90, 480)))
    mentions = []
    if '{m}' in text:
        other = rng.choice([m for m in members if m['user_id'] != me['user_id'] and not m['is_bot']])
        text = text.replace('{m}', '@' + other['username'])
        mentions.append(other['user_id'])
    text = text.replace('{build}', '4.%d.%d' % (rng.randint(10, 19), rng.randint(0, 9)))
    text = text.replace('{sku}', rng.choice(PRODUCTS)[0])
    text = text.replace('{dur}', '%dm %02ds' % (rng.randint(3, 12), rng.randint(0, 59)))
    text = text.replace('{inc}', str(rng.randint(1200, 1999)))
    return text, mentions


def make_members(rng):
    members = []
    for display, username, locale, tz, lang in CHAT_MEMBERS:
        members.append({
            'user_id': 'U0' + base62(rng, 8).upper(),
            'username': username,
            'display_name': display,
            'locale': locale,
            'time_zone': tz,
            'is_bot': False,
            'avatar_url': 'https://cdn.example.com/avatars/%s/72.png' % username,
            'status_text': None,
            '_lang': lang,
        })
    members.append({'user_id': 'B0' + base62(rng, 8).upper(), 'username': 'deploy-bot',
                    'display_name': 'Deploy Bot 🤖', 'locale': 'en-US', 'time_zone': 'UTC',
                    'is_bot': True, 'avatar_url': 'https://cdn.example.com/avatars/deploy-bot/72.png',
                    'status_text': None, '_lang': 'bot'})
    status = ('🌴 Vacation until Monday', '🤒 Out sick', '📍 Lisbon office', 'In meetings 9–12',
              '🎧 Focus time')
    for m in rng.sample(members[:-1], 5):
        m['status_text'] = rng.choice(status)
    return members


def public_member(m):
    return {k: v for k, v in m.items() if not k.startswith('_')}


def make_message(rng, members, author, t, decks, thread_id=None, native=False):
    lang = author['_lang']
    if not native and lang != 'bot' and lang != 'en' and rng.random() < 0.4:
        lang = 'en'
    text, mentions = chat_text(rng, lang, members, author, decks)
    reactions = []
    if rng.random() < 0.35:
        for emoji in rng.sample(REACTION_EMOJI, rng.randint(1, 3)):
            users = [m['user_id'] for m in rng.sample(members[:-1], rng.randint(1, 5))]
            reactions.append({'emoji': emoji, 'count': len(users), 'users': users})
    attachments = []
    if rng.random() < 0.07:
        w, h = rng.choice(((1170, 2532), (1920, 1080), (2880, 1800), (1284, 2778)))
        name = rng.choice(('Screenshot 2024-03-14 at 10.%02d.%02d.png', 'Bildschirmfoto 2024-03-14 um 10.%02d.%02d.png',
                           'スクリーンショット 2024-03-14 10.%02d.%02d.png', 'Capture d’écran 2024-03-14 à 10.%02d.%02d.png'))
        name = name % (rng.randint(0, 59), rng.randint(0, 59))
        attachments.append({'file_id': 'F0' + base62(rng, 9).upper(), 'name': name,
                            'mime_type': 'image/png', 'size_bytes': rng.randint(180000, 2400000),
                            'width': w, 'height': h,
                            'url': 'https://files.example.com/F/%s' % base62(rng, 20)})
    edited = rng.random() < 0.08
    return {
        'message_id': 'msg_' + base62(rng, 12),
        'client_msg_id': uuid4(rng),
        'ts': rfc3339(at(t)),
        'user_id': author['user_id'],
        'text': text,
        'lang': lang if lang != 'bot' else 'en',
        'thread_id': thread_id,
        'reply_count': 0,
        'mentions': mentions,
        'reactions': reactions,
        'attachments': attachments,
        'edited_at': rfc3339(at(t + 30 + rng.random() * 600)) if edited else None,
        'pinned': False,
        'deleted': False,
    }


def gen_chat(files, seed):
    # A long multilingual channel conversation with threads.
    rng = random.Random('wirekit-corpus/%d/chat/conversation.json' % seed)
    members = make_members(rng)
    people = members[:-1]
    bot = members[-1]
    messages = []
    open_threads = []
    t = -2.5 * 3600.0             # 06:56 UTC
    size = 0
    decks = {}
    # Each member posts once in their own language first, so that every script is present.
    roll_call = list(people)
    rng.shuffle(roll_call)
    while size < 50 * 1000:
        t += 5 + rng.random() * rng.choice((30, 120, 900))
        if roll_call:
            author = roll_call.pop()
        elif rng.random() < 0.05:
            author = bot
        else:
            author = rng.choice(people)
        parent = None
        if author is not bot and open_threads and rng.random() < 0.35:
            parent = rng.choice(open_threads)
        msg = make_message(rng, members, author, t, decks, parent['message_id'] if parent else None,
                           native=len(messages) < len(people))
        if parent is not None:
            parent['reply_count'] += 1
        elif author is not bot and rng.random() < 0.3:
            open_threads.append(msg)
            if len(open_threads) > 4:
                open_threads.pop(0)
        messages.append(msg)
        size += json_len(msg) + 1
    for msg in rng.sample(messages, 2):
        msg['pinned'] = True
    gone = rng.choice(messages)
    gone.update(text='', mentions=[], reactions=[], attachments=[], deleted=True)
    files['chat/conversation.json'] = to_json({
        'conversation_id': 'C0' + base62(rng, 9).upper(),
        'workspace': 'acme-shop',
        'kind': 'channel',
        'name': 'launch-eu-apac',
        'topic': 'Spring launch 🚀 EU + APAC — runbook: https://docs.example.com/runbooks/launch',
        'is_private': False,
        'is_archived': False,
        'created_at': rfc3339(at(-86400 * 40)),
        'members': [public_member(m) for m in members],
        'message_count': len(messages),
        'messages': messages,
    })

    # A single message in a thread, with everything set.
    rng = random.Random('wirekit-corpus/%d/chat/message.json' % seed)
    members = make_members(rng)
    author = members[9]              # 佐藤 美咲
    others = [members[0], members[8], members[11]]
    msg = {
        'message_id': 'msg_' + base62(rng, 12),
        'client_msg_id': uuid4(rng),
        'ts': rfc3339(at(4 * 3600 + 17.25), 3, 540),
        'conversation_id': 'C0' + base62(rng, 9).upper(),
        'user': public_member(author),
        'text': ('@%s @%s 在庫同期の件、原因が分かりました 🎉 倉庫APIのタイムゾーンが「Asia/Tokyo」'
                 'ではなく UTC で返っていたため、日付が1日ずれていました。修正版は 4.18.3 に入ります。'
                 ' Danke & 谢谢 & شكراً!') % (others[0]['username'], others[1]['username']),
        'lang': 'ja',
        'thread_id': 'msg_' + base62(rng, 12),
        'reply_count': 0,
        'mentions': [others[0]['user_id'], others[1]['user_id']],
        'reactions': [
            {'emoji': '🎉', 'count': 3, 'users': [o['user_id'] for o in others]},
            {'emoji': '🙇‍♀️', 'count': 1, 'users': [others[1]['user_id']]},
            {'emoji': '👍🏾', 'count': 2, 'users': [others[0]['user_id'], others[2]['user_id']]},
        ],
        'attachments': [{
            'file_id': 'F0' + base62(rng, 9).upper(),
            'name': 'スクリーンショット 2024-03-14 13.42.07.png',
            'mime_type': 'image/png', 'size_bytes': 482113, 'width': 1440, 'height': 900,
            'url': 'https://files.example.com/F/' + base62(rng, 20),
        }],
        'edited_at': rfc3339(at(4 * 3600 + 95.5), 3, 540),
        'pinned': False,
        'deleted': False,
        'silent': False,
    }
    files['chat/message.json'] = to_json(msg)

    # Push notifications as sent to a device.
    rng = random.Random('wirekit-corpus/%d/chat/notifications.json' % seed)
    members = make_members(rng)
    recipient = members[5]           # Дмитрий Соколов
    notes = []
    t = 9 * 3600.0
    senders = (members[11], members[1], members[8], members[18], members[12], members[14])
    kinds = ('mention', 'reply', 'reaction', 'incident', 'dm', 'reaction')
    for sender, kind in zip(senders, kinds):
        t += 40 + rng.random() * 900
        if kind == 'incident':
            title, body = 'INC-1742 · search', '🔔 Повышенная задержка поиска в ap-northeast-1 (p95 1.8 s)'
        elif kind == 'reaction':
            title = sender['display_name']
            body = 'отреагировал(а) %s на ваше сообщение' % rng.choice(REACTION_EMOJI)
        else:
            text, _ = chat_text(rng, sender['_lang'], members, sender, {})
            if kind == 'mention' and not text.startswith('@'):
                text = '@%s %s' % (recipient['username'], text)
            title, body = sender['display_name'], text[:120]
        msg_id = 'msg_' + base62(rng, 12)
        read = rng.random() < 0.4
        notes.append({
            'notification_id': uuid4(rng),
            'kind': kind,
            'title': title,
            'body': body,
            'sender_id': sender['user_id'],
            'conversation_id': 'C0' + base62(rng, 9).upper(),
            'message_id': msg_id,
            'deep_link': 'acmechat://c/%s/m/%s' % ('launch-eu-apac', msg_id),
            'badge': len(notes) + 1,
            'sound': None if kind == 'reaction' else 'default',
            'silent': kind == 'reaction',
            'collapse_key': 'incident-1742' if kind == 'incident' else None,
            'created_at': rfc3339(at(t), 3, 180),
            'read': read,
            'read_at': rfc3339(at(t + 60 + rng.random() * 600), 3, 180) if read else None,
        })
    files['chat/notifications.json'] = to_json({
        'recipient': public_member(recipient),
        'device': {'platform': 'ios', 'app_version': '5.2.1', 'os_version': '17.4',
                   'push_token': hex_id(rng, 32), 'locale': 'ru-RU'},
        'unread_count': sum(1 for n in notes if not n['read']),
        'notifications': notes,
    })


# ---------------------------------------------------------------------------
# telemetry/
# ---------------------------------------------------------------------------

NS = 1000000000
BASE_NS = BASE_EPOCH_S * NS

SITES = (
    ('Hamburg Cold Store 3', 53.5459173, 9.9664383, 'freezer'),
    ('Leipzig Fulfilment Centre LEJ-1', 51.4238571, 12.2362198, 'room'),
    ('Rotterdam Maasvlakte Yard', 51.9528466, 4.0436285, 'outdoor'),
    ('Milano Linate Hub', 45.4541482, 9.2786311, 'room'),
    ('Warszawa Okęcie Depot', 52.1672369, 20.9678911, 'outdoor'),
    ('Göteborg Port Terminal', 57.6906013, 11.8598417, 'outdoor'),
    ('Sevilla Cross-Dock', 37.4180051, -5.8931103, 'room'),
    ('Dublin Airport Logistics Park', 53.4264481, -6.2499098, 'freezer'),
)

ROUTES = (  # (name, start lat, lon, end lat, lon, general heading in degrees, road length in km)
    ('A7 Hamburg → Hannover', 53.5503001, 10.0006543, 52.3758916, 9.7320104, 188.0, 151.0),
    ('A9 Leipzig → München', 51.3396955, 12.3730747, 48.1351253, 11.5819806, 189.0, 425.0),
    ('E20 Göteborg → Malmö', 57.7088700, 11.9745600, 55.6049810, 13.0038220, 163.0, 272.0),
    ('A1 Milano → Bologna', 45.4642035, 9.1899820, 44.4949190, 11.3426160, 123.0, 215.0),
    ('A4 Kraków → Katowice', 50.0646501, 19.9449799, 50.2648919, 19.0237815, 290.0, 80.0),
)


def env_device(rng, idx, n_readings, t0_ns):
    site, lat, lon, kind = SITES[idx % len(SITES)]
    base_t = {'freezer': -18.5, 'room': 21.0, 'outdoor': 7.5}[kind]
    amp = {'freezer': 0.6, 'room': 1.2, 'outdoor': 5.0}[kind]
    phase = rng.random() * TWO_PI
    battery = 3.55 + rng.random() * 0.6
    uptime = rng.randint(3600, 90 * 86400)
    seq = rng.randint(1000, 900000)
    pressure = 1003.0 + rng.random() * 20.0
    readings = []
    period_s = rng.choice((30, 60, 60, 120))
    t = t0_ns + rng.randrange(period_s * NS)
    door_open = False
    for _ in range(n_readings):
        hours = (t - BASE_NS) / (3600.0 * NS)
        temp = base_t + amp * wave(phase + hours * TWO_PI / 24.0) + noise(rng, 0.08)
        if kind == 'freezer' and rng.random() < 0.02:
            door_open = not door_open
        if door_open:
            temp += 2.5 + rng.random()
        pressure += noise(rng, 0.05)
        battery -= rng.random() * 0.0004
        readings.append({
            'ts_ns': t,
            'seq': seq,
            'temperature_c': rnd(temp, 2),
            'humidity_pct': rnd(45.0 + 12.0 * wave(phase + 1.3 + hours * 0.26) + noise(rng, 0.6), 1),
            'pressure_hpa': rnd(pressure, 2),
            'co2_ppm': int(420 + (380 if kind == 'room' else 15) * (1.0 + wave(hours * 0.26)) / 2 + noise(rng, 12)),
            'battery_v': rnd(battery, 3),
            'rssi_dbm': -48 - rng.randint(0, 45),
            'snr_db': rnd(9.5 + noise(rng, 3.0), 1),
            'door_open': door_open,
        })
        seq += 1
        t += period_s * NS + rng.randrange(-4 * 10**7, 4 * 10**7)  # +- 40 ms jitter
    return {
        'device_id': 'env-%06x' % rng.getrandbits(24),
        'kind': 'environment',
        'model': rng.choice(('TH-Node 2', 'TH-Node 2 Pro', 'ColdChain Probe CX-40')),
        'firmware': '2.%d.%d' % (rng.randint(10, 14), rng.randint(0, 9)),
        'site': {'name': site, 'lat': rnd(lat, 7), 'lon': rnd(lon, 7), 'zone': kind},
        'uptime_s': uptime,
        'sample_period_s': period_s,
        'clock_offset_ns': rng.randint(-2500000, 2500000),
        'readings': readings,
    }


def gps_device(rng, idx, n_readings, t0_ns):
    route, lat0, lon0, lat1, lon1, heading, length_km = ROUTES[idx % len(ROUTES)]
    frac = rng.random() * 0.4
    odometer = rng.randint(40000000, 900000000)    # metres
    fuel = 35.0 + rng.random() * 60.0
    t = t0_ns + rng.randrange(5 * NS)
    readings = []
    speed = 70.0 + rng.random() * 20
    for _ in range(n_readings):
        speed = min(max(speed + noise(rng, 4.0), 0.0), 92.0)
        step_m = speed / 3.6 * 10.0
        frac += step_m / (length_km * 1200.0)   # roads are ~20 % longer than the straight line
        lat = lat0 + (lat1 - lat0) * frac + noise(rng, 0.00002)
        lon = lon0 + (lon1 - lon0) * frac + noise(rng, 0.00002)
        odometer += int(step_m)
        fuel -= step_m * 0.000003
        readings.append({
            'ts_ns': t,
            'lat': rnd(lat, 7),
            'lon': rnd(lon, 7),
            'alt_m': rnd(40.0 + 60.0 * wave(frac * 9.0) + noise(rng, 0.5), 1),
            'speed_kmh': rnd(speed, 1),
            'heading_deg': rnd((heading + noise(rng, 6.0)) % 360.0, 1),
            'hdop': rnd(0.7 + rng.random() * 0.9, 1),
            'satellites': rng.randint(7, 14),
            'odometer_m': odometer,
            'fuel_pct': rnd(fuel, 1),
            'engine_on': speed > 0.5,
            'accel_g': [rnd(noise(rng, 0.02), 3), rnd(noise(rng, 0.02), 3), rnd(1.0 + noise(rng, 0.01), 3)],
        })
        t += 10 * NS + rng.randrange(-10**6, 10**6)
    return {
        'device_id': 'trk-%06x' % rng.getrandbits(24),
        'kind': 'gps_tracker',
        'model': rng.choice(('FleetTrack T4', 'FleetTrack T4 LTE-M')),
        'firmware': '4.%d.%d' % (rng.randint(0, 3), rng.randint(0, 20)),
        'vehicle': {'plate': rng.choice(('HH-LG 4127', 'L-AC 2093', 'GBG 41K', 'MI 482KX', 'KR 7H233')),
                    'route': route},
        'uptime_s': rng.randint(3600, 30 * 86400),
        'sample_period_s': 10,
        'clock_offset_ns': rng.randint(-900000, 900000),
        'readings': readings,
    }


def meter_device(rng, idx, n_readings, t0_ns):
    site, lat, lon, _ = SITES[(idx * 3) % len(SITES)]
    energy_import = rng.randint(10**9, 9 * 10**10)      # Wh, lifetime
    energy_export = rng.randint(10**8, 4 * 10**10)
    solar_kw = 40.0 + rng.random() * 160.0
    load_kw = 30.0 + rng.random() * 120.0
    t = t0_ns + rng.randrange(15 * NS)
    readings = []
    for _ in range(n_readings):
        hours = (t - BASE_NS) / (3600.0 * NS) + 9.4
        sun = wave((hours - 6.0) * TWO_PI / 24.0)
        solar = solar_kw * sun if sun > 0 else 0.0
        power_w = int((load_kw + noise(rng, 6.0) - solar) * 1000)   # negative = exporting
        if power_w >= 0:
            energy_import += power_w * 15 // 3600
        else:
            energy_export += -power_w * 15 // 3600
        readings.append({
            'ts_ns': t,
            'power_w': power_w,
            'reactive_var': int(noise(rng, 4000.0)),
            'voltage_l1_v': rnd(230.0 + noise(rng, 2.5), 2),
            'voltage_l2_v': rnd(230.0 + noise(rng, 2.5), 2),
            'voltage_l3_v': rnd(230.0 + noise(rng, 2.5), 2),
            'frequency_hz': rnd(50.0 + noise(rng, 0.02), 3),
            'power_factor': rnd(0.92 + noise(rng, 0.03), 3),
            'leakage_current_a': rnd((3.0 + rng.random() * 40.0) * 1e-6, 8),
            'energy_import_wh': energy_import,
            'energy_export_wh': energy_export,
        })
        t += 15 * NS + rng.randrange(-2 * 10**6, 2 * 10**6)
    return {
        'device_id': 'mtr-%06x' % rng.getrandbits(24),
        'kind': 'energy_meter',
        'model': 'GridSense EM-340',
        'firmware': '1.%d.%d' % (rng.randint(6, 9), rng.randint(0, 9)),
        'site': {'name': site, 'lat': rnd(lat, 7), 'lon': rnd(lon, 7), 'zone': 'grid'},
        'uptime_s': rng.randint(86400, 400 * 86400),
        'sample_period_s': 15,
        'clock_offset_ns': rng.randint(-300000, 300000),
        'readings': readings,
    }


def gen_telemetry(files, seed):
    rng = random.Random('wirekit-corpus/%d/telemetry/fleet-batch.json' % seed)
    t0 = BASE_NS + 6 * 3600 * NS
    devices = []
    size = 0
    idx = 0
    makers = (env_device, env_device, gps_device, meter_device)
    while size < 985 * 1000:
        maker = makers[idx % len(makers)]
        dev = maker(rng, idx, rng.randint(50, 70), t0)
        devices.append(dev)
        size += json_len(dev) + 1
        idx += 1
    files['telemetry/fleet-batch.json'] = to_json({
        'batch_id': uuid4(rng),
        'gateway': {'id': 'gw-eu-central-%02d' % rng.randint(1, 12), 'software': 'edge-collector 3.7.1',
                    'received_at_ns': t0 + 3 * 3600 * NS + rng.randrange(NS)},
        'window_start_ns': t0,
        'window_end_ns': t0 + 3 * 3600 * NS,
        'device_count': len(devices),
        'reading_count': sum(len(d['readings']) for d in devices),
        'devices': devices,
    })

    # Heartbeats: the smallest messages of the corpus (each under 100 bytes
    # of JSON), a JSON Lines stream from many devices.
    rng = random.Random('wirekit-corpus/%d/telemetry/heartbeats.jsonl' % seed)
    fleet = []
    for i in range(40):
        prefix = ('env', 'env', 'gps', 'mtr')[i % 4]
        fleet.append({'device': '%s-%04d' % (prefix, rng.randint(1, 9999)), 'seq': rng.randint(1000, 90000),
                      'battery': 3.5 + rng.random() * 0.7, 'rssi': rng.randint(-95, -48)})
    lines = []
    t = BASE_NS + 9 * 3600 * NS
    for _ in range(2500):
        dev = fleet[rng.randrange(len(fleet))]
        dev['seq'] += 1
        dev['battery'] = max(3.3, dev['battery'] - rng.random() * 0.0005)
        dev['rssi'] = max(-110, min(-40, dev['rssi'] + rng.randint(-3, 3)))
        t += rng.randrange(20 * 1000 * 1000, 900 * 1000 * 1000)
        line = to_json({'device': dev['device'], 'seq': dev['seq'], 'ts_ns': t,
                        'battery_v': rnd(dev['battery'], 2), 'rssi_dbm': dev['rssi']})
        assert len(line) < 100, line
        lines.append(line)
    files['telemetry/heartbeats.jsonl'] = b''.join(lines)

    rng = random.Random('wirekit-corpus/%d/telemetry/device-small.json' % seed)
    dev = env_device(rng, 0, 8, BASE_NS + 2 * 3600 * NS)
    dev['config_xxh64'] = rng.getrandbits(64) | (1 << 63)   # needs uint64: above INT64_MAX
    dev['counters'] = {
        'rx_bytes': rng.randint(10**11, 10**12),
        'tx_bytes': rng.randint(10**10, 10**11),
        'crc_errors': rng.randint(0, 40),
        'reboots': rng.randint(0, 5),
        'min_temp_since_boot_mc': -21873,    # milli-degrees C
        'last_reset_reason': None,
    }
    dev['location_fix'] = {'lat': 53.5459173, 'lon': 9.9664383, 'accuracy_m': 4.8, 'source': 'gnss'}
    files['telemetry/device-small.json'] = to_json(dev)


# ---------------------------------------------------------------------------
# logs/
# ---------------------------------------------------------------------------

JAVA_TRACE = (
    'java.net.SocketTimeoutException: Read timed out\n'
    '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n'
    '\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:314)\n'
    '\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)\n'
    '\tat org.apache.hc.core5.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl.java:149)\n'
    '\tat org.apache.hc.client5.http.impl.classic.InternalHttpClient.doExecute(InternalHttpClient.java:170)\n'
    '\tat com.acme.checkout.payment.PspClient.authorize(PspClient.java:212)\n'
    '\tat com.acme.checkout.payment.PaymentService.lambda$authorize$3(PaymentService.java:97)\n'
    '\tat io.github.resilience4j.retry.Retry.lambda$decorateCheckedSupplier$3(Retry.java:78)\n'
    '\tat com.acme.checkout.web.OrderController.placeOrder(OrderController.java:141)\n'
    '\t... 87 common frames omitted\n'
    'Caused by: java.io.IOException: Connection reset by peer\n'
    '\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)\n'
    '\t... 12 more'
)

PYTHON_TRACE = (
    'Traceback (most recent call last):\n'
    '  File "/srv/app/acme/recommender/api.py", line 88, in recommend\n'
    '    ranked = await ranker.score(user_id, candidates)\n'
    '  File "/srv/app/acme/recommender/ranking.py", line 142, in score\n'
    '    x = features[c.sku]["days_since_last_order"]\n'
    '        ~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^\n'
    "KeyError: 'days_since_last_order'"
)

GO_TRACE = (
    'panic: runtime error: invalid memory address or nil pointer dereference\n'
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x7b3f2a]\n'
    '\n'
    'goroutine 1734 [running]:\n'
    'github.com/acme/edge-gateway/internal/proxy.(*Upstream).RoundTrip(0x0, 0xc000a2e300)\n'
    '\t/src/internal/proxy/upstream.go:88 +0x2a\n'
    'net/http.(*Transport).roundTrip(0xc0001b4000, 0xc000a2e300)\n'
    '\t/usr/local/go/src/net/http/transport.go:590 +0x7a1\n'
    'github.com/acme/edge-gateway/internal/middleware.Retry.func1({0xa4d2c0, 0xc0004f2a80}, 0xc000a2e200)\n'
    '\t/src/internal/middleware/retry.go:41 +0x11c\n'
    'created by net/http.(*Server).Serve in goroutine 1\n'
    '\t/usr/local/go/src/net/http/server.go:3086 +0x5cb'
)

DOTNET_TRACE = (
    'System.IO.IOException: The process cannot access the file '
    "'C:\\ProgramData\\Acme\\Agent\\cache\\orders_20240314.csv.tmp' because it is being used by another process.\r\n"
    '   at Microsoft.Win32.SafeHandles.SafeFileHandle.Open(String fullPath, FileMode mode, FileAccess access, FileShare share)\r\n'
    '   at System.IO.FileStream..ctor(String path, FileMode mode, FileAccess access, FileShare share)\r\n'
    '   at Acme.Agent.Sync.FileWatcher.OnChanged(Object sender, FileSystemEventArgs e) in D:\\a\\agent\\src\\Sync\\FileWatcher.cs:line 57\r\n'
    '   at System.Threading.Tasks.Task.<>c.<ThrowAsync>b__128_1(Object state)'
)

LOG_SERVICES = (
    # name, version, host, language
    ('checkout', '4.18.2', 'checkout-7d9f8b6c4-x2kqp', 'java'),
    ('checkout', '4.18.2', 'checkout-7d9f8b6c4-m8zt5', 'java'),
    ('recommender', '2.6.0', 'recommender-5c6b7f9d8-qf2lw', 'python'),
    ('edge-gateway', '1.31.4', 'edge-gw-eu-central-1b-03', 'go'),
    ('sync-agent', '3.2.7.1150', 'LEJ-WS-0142', 'dotnet'),
)


def log_java(rng):
    oid = 'ORD-2024-%07d' % rng.randint(40000, 48000)
    sku = rng.choice(PRODUCTS)[0]
    person = make_person(rng, rng.choice(('de', 'fr', 'pl', 'tr', 'es')))
    country = rng.choice(('DE', 'FR', 'PL', 'ES'))
    addr = make_address(rng, country, person)
    thread = 'http-nio-8080-exec-%d' % rng.randint(1, 40)
    choice = weighted(rng, ((0, 12), (1, 6), (2, 2), (3, 5), (4, 2), (5, 3), (6, 4), (7, 2),
                            (8, 2), (9, 2), (10, 1), (11, 2), (12, 2)))
    exc = None
    fields = {'order_id': oid}
    if choice == 0:
        ms = rng.randint(18, 900)
        level, logger = 'INFO', 'com.acme.checkout.web.OrderController'
        msg = 'POST /api/v2/orders -> 201 Created in %d ms (order_id=%s, items=%d)' % (ms, oid, rng.randint(1, 5))
        fields.update(http_status=201, elapsed_ms=ms)
    elif choice == 1:
        level, logger = 'DEBUG', 'org.hibernate.SQL'
        msg = ('select o1_0.id,o1_0.customer_id,o1_0.status,o1_0.total_cents from orders o1_0 '
               "where o1_0.customer_id=? and o1_0.created_at>'2024-03-01T00:00:00Z' order by o1_0.created_at desc fetch first ? rows only")
    elif choice == 2:
        level, logger, thread = 'WARN', 'com.zaxxer.hikari.pool.HikariPool', 'HikariPool-1 housekeeper'
        msg = ('HikariPool-1 - Connection is not available, request timed out after 30000ms '
               '(total=20, active=20, idle=0, waiting=%d)' % rng.randint(1, 12))
    elif choice == 3:
        level, logger = 'INFO', 'com.acme.checkout.payment.PaymentService'
        amount = rng.randint(395, 60000)
        msg = 'Payment authorised for order %s: amount=%d.%02d EUR, psp_reference="%s"' % (
            oid, amount // 100, amount % 100, base62(rng, 16).upper())
        fields.update(amount_cents=amount, psp='adyen')
    elif choice == 4:
        level, logger = 'WARN', 'com.acme.checkout.payment.PspClient'
        msg = 'Retrying POST https://psp.example.net/v68/payments (attempt %d/5) after error: Read timed out' % rng.randint(2, 5)
    elif choice == 5:
        level, logger = 'DEBUG', 'com.acme.checkout.inventory.StockClient'
        msg = 'Cache miss for key "stock:%s:LEJ-1" (ttl=300s), fetching from inventory service' % sku
        fields = {'sku': sku, 'cache': 'redis'}
    elif choice == 6:
        level, logger = 'INFO', 'com.acme.checkout.web.AccountController'
        msg = 'User "%s" updated shipping address: line1="%s", city="%s", postal_code="%s"' % (
            person['display'], addr['line1'], addr['city'], addr['postal_code'])
        fields = {'customer_locale': person['locale']}
    elif choice == 7:
        level, logger = 'WARN', 'com.acme.checkout.validation.AddressValidator'
        bad = rng.choice(('1O115', '8001 ', 'D-10115', '00–695', '75 011'))
        msg = ('Validation failed for field "shipping_address.postal_code": value "%s" does not match '
               'pattern ^\\d{5}$|^\\d{2}-\\d{3}$ (country=%s)') % (bad, country)
        fields = {'field': 'shipping_address.postal_code', 'country': country}
    elif choice == 8:
        level, logger = 'INFO', 'com.acme.checkout.mail.TemplateRenderer'
        msg = ('Rendered e-mail template "order-confirmation_de.html" (2 parts):\n'
               '\t<h1>Danke für Ihre Bestellung, %s!</h1>\n'
               '\t<p>Bestellnummer: %s &mdash; Lieferung in 2–3 Werktagen</p>') % (person['given'], oid)
    elif choice == 9:
        level, logger = 'DEBUG', 'com.acme.checkout.web.RequestLoggingFilter'
        note = rng.choice(('Bitte \\"vorsichtig\\" liefern – Glas!', 'Geschenk für Oma \\u2764',
                           'C:\\\\Users\\\\Public\\\\note.txt'))
        msg = 'Request body: {"sku":"%s","quantity":%d,"gift_note":"%s"}' % (sku, rng.randint(1, 4), note)
    elif choice == 10:
        level, logger = 'ERROR', 'com.acme.checkout.payment.PaymentService'
        msg = 'Payment authorisation failed for order %s after 5 attempts' % oid
        exc = {'type': 'java.net.SocketTimeoutException', 'message': 'Read timed out', 'stack': JAVA_TRACE}
    elif choice == 11:
        level, logger = 'INFO', 'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator'
        thread = 'kafka-consumer-order-events-%d' % rng.randint(0, 3)
        parts = sorted(rng.sample(range(12), 3))
        msg = ('[Consumer clientId=checkout-%d, groupId=order-events] Adding newly assigned partitions: %s' %
               (rng.randint(1, 4), ', '.join('order-events-%d' % p for p in parts)))
        fields = {'partitions': parts}
    else:
        level, logger, thread = 'INFO', 'com.acme.checkout.jobs.CartExpirySweep', 'scheduling-1'
        n = rng.randint(800, 2400)
        msg = 'Job "cart-expiry-sweep" finished: %s expired carts → s3://acme-archive/carts/2024/03/14/ in %.1f s' % (
            '{:,}'.format(n), 1 + rng.random() * 9)
        fields = {'job': 'cart-expiry-sweep', 'count': n}
    return level, logger, thread, msg, fields, exc


def log_python(rng):
    uid = 'usr_' + base62(rng, 16)
    thread = rng.choice(('MainThread', 'ThreadPoolExecutor-0_%d' % rng.randint(0, 7), 'asyncio_0'))
    choice = weighted(rng, ((0, 10), (1, 6), (2, 3), (3, 3), (4, 1), (5, 1)))
    exc = None
    fields = {'user_id': uid}
    if choice == 0:
        level, logger = 'INFO', 'uvicorn.access'
        status = weighted(rng, ((200, 20), (304, 2), (404, 1), (500, 1)))
        msg = '10.42.%d.%d:%d - "GET /v1/recommendations?user_id=%s&limit=12&surface=pdp HTTP/1.1" %d' % (
            rng.randint(0, 15), rng.randint(2, 250), rng.randint(30000, 60999), uid, status)
        fields.update(http_status=status)
    elif choice == 1:
        level, logger = 'INFO', 'acme.recommender.ranking'
        n, ms = rng.randint(40, 400), rnd(3 + rng.random() * 40, 2)
        msg = 'Scored %d candidates for user %s in %.2f ms (model=ranker-2024-03-01, ab_bucket=%s)' % (
            n, uid, ms, rng.choice('AB'))
        fields.update(candidates=n, duration_ms=ms)
    elif choice == 2:
        level, logger = 'WARN', 'acme.recommender.features'
        n = rng.randint(40, 400)
        msg = 'Feature "days_since_last_order" missing for %d of %d candidates, falling back to default 0.0' % (
            rng.randint(1, n), n)
    elif choice == 3:
        level, logger = 'DEBUG', 'urllib3.connectionpool'
        msg = 'https://features.internal.example.com:443 "POST /v1/features:batchGet HTTP/1.1" 200 %d' % rng.randint(2000, 90000)
    elif choice == 4:
        level, logger = 'ERROR', 'acme.recommender.api'
        msg = 'Unhandled error while ranking for user %s; returning popular items instead' % uid
        exc = {'type': 'KeyError', 'message': "'days_since_last_order'", 'stack': PYTHON_TRACE}
    else:
        level, logger = 'INFO', 'acme.recommender.model'
        msg = 'Loaded model from /var/lib/models/ranker-2024-03-01/model.onnx (87.4 MiB) in %.2f s' % (1 + rng.random() * 2)
        fields = {'model': 'ranker-2024-03-01', 'size_bytes': 91645132}
    return level, logger, thread, msg, fields, exc


def log_go(rng):
    choice = weighted(rng, ((0, 14), (1, 3), (2, 2), (3, 1), (4, 2)))
    exc = None
    if choice == 0:
        status = weighted(rng, ((200, 30), (201, 4), (204, 3), (301, 1), (404, 3), (429, 2), (502, 1)))
        path = rng.choice(('/api/v2/products/search', '/api/v2/orders', '/api/v2/cart/items',
                           '/api/v2/users/me/profile', '/static/js/app.4f9c2e1b.js', '/de/produkte/merino-socken'))
        ms = rnd(0.4 + rng.random() * rng.choice((5, 50, 400)), 3)
        level = 'INFO' if status < 400 else ('WARN' if status < 500 else 'ERROR')
        logger = 'gateway/http'
        msg = 'request completed'
        fields = {'method': rng.choice(('GET', 'GET', 'GET', 'POST', 'PUT')), 'path': path, 'status': status,
                  'duration_ms': ms, 'bytes_out': rng.randint(0, 250000),
                  'remote_ip': '203.0.113.%d' % rng.randint(2, 250), 'user_agent': rng.choice(USER_AGENTS)}
    elif choice == 1:
        level, logger = 'WARN', 'gateway/ratelimit'
        client = rng.choice(('partner-feed-bot', 'mobile-android', 'price-comparison-crawler'))
        msg = 'rate limit exceeded for client "%s" (limit=100/s, burst=200)' % client
        fields = {'client': client, 'limit': 100, 'burst': 200}
    elif choice == 2:
        level, logger = 'ERROR', 'gateway/tls'
        ip = '198.51.100.%d:%d' % (rng.randint(2, 250), rng.randint(1024, 65535))
        msg = 'http: TLS handshake error from %s: tls: client offered only unsupported versions: [302 301]' % ip
        fields = {'remote_addr': ip}
    elif choice == 3:
        level, logger = 'FATAL', 'gateway/proxy'
        msg = 'recovered from panic in upstream round trip; connection closed'
        fields = {'upstream': 'checkout.orders.svc.cluster.local:8080'}
        exc = {'type': 'runtime.Error', 'message': 'invalid memory address or nil pointer dereference',
               'stack': GO_TRACE}
    else:
        level, logger = 'DEBUG', 'gateway/config'
        msg = 'reloaded routes from /etc/edge-gateway/routes.d/*.yaml (%d routes, checksum sha256:%s)' % (
            rng.randint(40, 90), hex_id(rng, 32))
        fields = {'routes_dir': '/etc/edge-gateway/routes.d'}
    return level, logger, None, msg, fields, exc


def log_dotnet(rng):
    user = rng.choice(('jürgen.schäfer', 'a.nowak', 'ops-svc', 'Zoë.Dubois'))
    choice = weighted(rng, ((0, 4), (1, 3), (2, 3), (3, 1), (4, 1)))
    exc = None
    thread = str(rng.randint(1, 40))
    fields = {'machine_user': user}
    if choice == 0:
        level, logger = 'INFO', 'Acme.Agent.Sync.FileWatcher'
        msg = 'Watching folder C:\\Users\\%s\\Documents\\Acme Exports\\ for changes (filter=*.csv)' % user
    elif choice == 1:
        level, logger = 'INFO', 'Acme.Agent.Sync.Uploader'
        rows = rng.randint(200, 4000)
        msg = 'Uploaded \\\\fileserver01\\exports\\orders_20240314_%02d%02d.csv (%s rows, %.1f KB)' % (
            rng.randint(0, 23), rng.randint(0, 59), '{:,}'.format(rows), rows * 0.31)
        fields.update(rows=rows)
    elif choice == 2:
        level, logger = 'WARN', 'Acme.Agent.Sync.FileWatcher'
        msg = ('Could not open file C:\\ProgramData\\Acme\\Agent\\cache\\orders_20240314.csv.tmp: '
               'The process cannot access the file because it is being used by another process. Retrying in 5 s.')
    elif choice == 3:
        level, logger = 'ERROR', 'Acme.Agent.Sync.FileWatcher'
        msg = 'Giving up on C:\\ProgramData\\Acme\\Agent\\cache\\orders_20240314.csv.tmp after 3 attempts'
        exc = {'type': 'System.IO.IOException', 'message': 'The process cannot access the file because it is being used by another process.',
               'stack': DOTNET_TRACE}
    else:
        # Console sink output captured with its ANSI colour codes (ESC is not allowed in XML 1.0).
        level, logger = 'INFO', 'Acme.Agent.Console'
        msg = '\x1b[32m✔ Sync completed\x1b[0m: %d files, \x1b[33m%d warnings\x1b[0m, 0 errors' % (
            rng.randint(5, 60), rng.randint(0, 3))
    return level, logger, thread, msg, fields, exc


def gen_logs(files, seed):
    rng = random.Random('wirekit-corpus/%d/logs/app-logs.json' % seed)
    makers = {'java': log_java, 'python': log_python, 'go': log_go, 'dotnet': log_dotnet}
    pids = [rng.randint(1, 4) if lang != 'dotnet' else rng.randint(2000, 30000)
            for _, _, _, lang in LOG_SERVICES]
    records = []
    size = 0
    t = -7 * 3600.0               # 02:26 UTC
    trace = None
    while size < 300 * 1000:
        t += rng.random() * 0.9
        si = weighted(rng, ((0, 5), (1, 5), (2, 4), (3, 6), (4, 1)))
        service, version, host, lang = LOG_SERVICES[si]
        level, logger, thread, msg, fields, exc = makers[lang](rng)
        if trace is None or rng.random() < 0.6:
            trace = hex_id(rng, 16)
        has_trace = lang != 'dotnet' and logger not in ('gateway/config', 'acme.recommender.model')
        record = {
            'ts': rfc3339(at(t), 6),
            'level': level,
            'service': service,
            'version': version,
            'host': host,
            'pid': pids[si],
            'logger': logger,
            'thread': thread,
            'message': msg,
            'trace_id': trace if has_trace else None,
            'span_id': hex_id(rng, 8) if has_trace else None,
            'fields': fields,
            'exception': exc,
        }
        records.append(record)
        size += json_len(record) + 1
    files['logs/app-logs.json'] = to_json({
        'source': 'loki://logs.example.internal/eu-central-1',
        'query': '{env="prod", team="shop"}',
        'from': records[0]['ts'],
        'to': records[-1]['ts'],
        'record_count': len(records),
        'truncated': False,
        'records': records,
    })


# ---------------------------------------------------------------------------
# binary/
# ---------------------------------------------------------------------------

def gen_binary(files, seed):
    rng = random.Random('wirekit-corpus/%d/binary/upload-chunk.msgpack' % seed)
    chunk_size = 4096
    total = 2481337
    # First chunk of a JPEG: SOI, APP1 'Exif' header (big-endian TIFF), then entropy-coded-like bytes.
    header = bytes.fromhex('ffd8ffe1') + struct.pack('>H', 0x2f4a) + b'Exif\x00\x00MM\x00*\x00\x00\x00\x08'
    payload = header + rng.randbytes(chunk_size - len(header))
    taken = at(-3 * 86400 - 3348.0)          # 17:31:05 in Tokyo, as in the file name
    message = {
        'upload_id': uuid4(rng),
        'file_name': (taken + timedelta(hours=9)).strftime('IMG_%Y%m%d_%H%M%S.jpg'),
        'content_type': 'image/jpeg',
        'chunk_index': 0,
        'chunk_count': (total + chunk_size - 1) // chunk_size,
        'offset': 0,
        'chunk_size': chunk_size,
        'total_size': total,
        'sha256': hashlib.sha256(payload).hexdigest(),
        'crc32': zlib.crc32(payload),
        'is_last': False,
        'resume_token': None,
        'sent_at': rfc3339(at(1800.0 + rng.random()), 3),
        'upload_rate_bps': rnd(1200000.0 + rng.random() * 900000.0, 1),
        'client': {'app': 'Acme Photos', 'version': '5.2.1', 'platform': 'iOS 17.4',
                   'device': 'iPhone15,2', 'network': 'wifi'},
        'exif': {
            'make': 'Apple', 'model': 'iPhone 14 Pro',
            'taken_at': rfc3339(taken, 0, 540),
            'gps_lat': 35.6585805, 'gps_lon': 139.7454329, 'gps_alt_m': 41.2,
            'exposure_s': 0.008333333333333333, 'f_number': 1.78, 'iso': 64,
            'orientation': 1, 'flash': False,
            'caption': '東京タワー at golden hour 🗼',
        },
        'payload': payload,
    }
    files['binary/upload-chunk.msgpack'] = msgpack_encode(message)


# ---------------------------------------------------------------------------

GENERATORS = (gen_http, gen_orders, gen_chat, gen_telemetry, gen_logs, gen_binary)


def _reject_constant(name):
    raise ValueError('non-standard JSON constant %s' % name)


def build(seed):
    files = {}
    for gen in GENERATORS:
        gen(files, seed)
    for path, data in files.items():
        if path.endswith('.json'):
            json.loads(data.decode('utf-8'), parse_constant=_reject_constant)
        elif path.endswith('.jsonl'):
            for line in data.decode('utf-8').splitlines():
                json.loads(line, parse_constant=_reject_constant)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description='Generate the wirekit sample corpus.')
    parser.add_argument('--seed', type=int, default=1, help='random seed (default 1)')
    parser.add_argument('--out', default=CORPUS_DIR, help='output folder (default: the corpus/ folder)')
    parser.add_argument('--check', action='store_true',
                        help='compare with the files in --out instead of writing; exit 1 on any difference')
    args = parser.parse_args(argv)

    files = build(args.seed)
    total = 0
    differ = 0
    for path in sorted(files):   # sorted only for a stable listing; contents do not depend on it
        data = files[path]
        full = os.path.join(args.out, *path.split('/'))
        total += len(data)
        if args.check:
            try:
                with open(full, 'rb') as f:
                    same = f.read() == data
            except FileNotFoundError:
                same = False
            status = 'ok' if same else 'DIFFERS'
            differ += not same
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            tmp = full + '.tmp'
            with open(tmp, 'wb') as f:
                f.write(data)
            os.replace(tmp, full)
            status = 'written'
        print('%9d  %s  %s  %s' % (len(data), hashlib.sha256(data).hexdigest()[:16], path, status))
    print('%9d  total, %d files, seed %d' % (total, len(files), args.seed))
    if differ:
        print('%d file(s) differ from what seed %d generates' % (differ, args.seed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
