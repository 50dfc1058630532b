"""`dumpdiff lint -o junit`: JUnit XML with one test suite per rule.

Each suite holds one test case per finding of its rule (named by the finding's workload and
subject): a failure when the finding counts at --fail-on, skipped (with why) when it is below
the threshold, suppressed or in the baseline. A rule without findings has one passing case;
a rule that could not run for lack of inputs has one skipped case naming them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dumpdiff.lint.finding import SEVERITY_RANK, Finding, LintResult


def _quiet_reason(f: Finding, floor: int) -> str | None:
    if f.suppressed is not None:
        return f"suppressed: {f.suppressed}"
    if f.baseline == "unchanged":
        return "in the baseline"
    if SEVERITY_RANK[f.severity] < floor:
        return f"{f.severity}, below --fail-on"
    return None


def render(result: LintResult) -> str:
    """JUnit XML text."""
    floor = SEVERITY_RANK[result.fail_on]
    root = ET.Element("testsuites", name="dumpdiff lint")
    total = total_failures = 0
    for rule in result.rules:
        suite = ET.SubElement(root, "testsuite", name=rule["id"])
        found = [f for f in result.findings if f.rule_id == rule["id"]]
        missing = sorted({m for s in result.skipped if s.rule_id == rule["id"]
                          for m in s.missing})
        failures = skipped = 0
        for f in found:
            case = ET.SubElement(suite, "testcase", classname=rule["id"],
                                 name=f"{f.group}: {f.subject}")
            reason = _quiet_reason(f, floor)
            if reason is not None:
                skipped += 1
                ET.SubElement(case, "skipped", message=reason).text = f.message
            else:
                failures += 1
                fail = ET.SubElement(case, "failure", type=f.severity, message=f.message)
                where = f.manifest_location
                at = f"{where[0]}:{where[1]}" if where else f.evidence.source
                fail.text = (f"{f.subject}\n{f.message}\nproxies: {', '.join(f.proxies) or '-'}"
                             f"\nevidence: {at} {f.evidence.origin}\nnext: {f.remediation}")
        if not found:
            case = ET.SubElement(suite, "testcase", classname=rule["id"],
                                 name=rule["title"])
            if missing:
                skipped += 1
                ET.SubElement(case, "skipped", message=f"needs {', '.join(missing)}")
        cases = max(len(found), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total += cases
        total_failures += failures
    root.set("tests", str(total))
    root.set("failures", str(total_failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
