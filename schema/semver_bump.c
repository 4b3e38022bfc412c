/*
 * Version arithmetic for schema versions: the next version for a bump, and
 * whether a declared step is big enough for the changes it carries.
 *
 * SemVer 2.0.0 says nothing about steps from 0.y.z (item 4: "anything MAY
 * change at any time") or from a pre-release (item 9: it "might not satisfy
 * the intended compatibility requirements"), so from such a version any
 * higher one is enough; wk_semver_next still follows the common practice for
 * 0.y.z of spending the minor number on breaking changes.
 */
#include "diff_internal.h"

#include <stdio.h>

size_t wk_semver_next(const wk_semver *v, wk_bump bump, char *buf, size_t cap)
{
    uint64_t major = v->major, minor = v->minor, patch = v->patch;
    if (major == 0 && bump == WK_BUMP_MAJOR) bump = WK_BUMP_MINOR;
    else if (major == 0 && bump == WK_BUMP_MINOR) bump = WK_BUMP_PATCH;
    /* A number already at its largest cannot grow: no version follows. */
    uint64_t *raised = bump == WK_BUMP_MAJOR ? &major : bump == WK_BUMP_MINOR ? &minor : &patch;
    if (*raised == UINT64_MAX) {
        if (cap) buf[0] = '\0';
        return 0;
    }
    switch (bump) {
    case WK_BUMP_MAJOR: major++; minor = 0; patch = 0; break;
    case WK_BUMP_MINOR: minor++; patch = 0; break;
    default: patch++; break;
    }
    int n = snprintf(buf, cap, "%llu.%llu.%llu", (unsigned long long)major, (unsigned long long)minor,
                     (unsigned long long)patch);
    return n < 0 ? 0 : (size_t)n;
}

wk_bump wk_semver_step_bump(const wk_semver *from, const wk_semver *to)
{
    if (wk_semver_cmp(to, from) <= 0) return WK_BUMP_NONE;
    if (to->major != from->major) return to->major > from->major ? WK_BUMP_MAJOR : WK_BUMP_NONE;
    if (to->minor != from->minor) return to->minor > from->minor ? WK_BUMP_MINOR : WK_BUMP_NONE;
    if (to->patch != from->patch) return to->patch > from->patch ? WK_BUMP_PATCH : WK_BUMP_NONE;
    return WK_BUMP_NONE;
}

bool wk_semver_step_allows(const wk_semver *from, const wk_semver *to, wk_bump required)
{
    int c = wk_semver_cmp(to, from);
    if (required == WK_BUMP_NONE) return c >= 0;
    if (c <= 0) return false;
    if (from->major == 0 || from->prerelease_len > 0) return true;
    return wk_semver_step_bump(from, to) >= required;
}
