"""`dumpdiff lint -o junit`: JUnit XML, one test case per rule and dump, failures for findings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dumpdiff.lint.finding import SEVERITY_RANK, LintResult


def render(result: LintResult) -> str:
    """JUnit XML; findings below --fail-on are reported as skipped-with-message, not failures."""
    suites = ET.Element("testsuites", name="dumpdiff lint")
    floor = SEVERITY_RANK[result.fail_on]
    for dump in result.dumps:
        suite = ET.SubElement(suites, "testsuite", name=dump)
        failures = 0
        skipped = {s.rule_id for s in result.skipped if s.dump == dump}
        for rule in result.rules:
            case = ET.SubElement(suite, "testcase", classname=rule["id"], name=rule["title"])
            found = [f for f in result.findings if f.dump == dump and f.rule_id == rule["id"]]
            if rule["id"] in skipped:
                ET.SubElement(case, "skipped", message="missing inputs")
            elif found and SEVERITY_RANK[rule["severity"]] >= floor:
                failures += 1
                fail = ET.SubElement(case, "failure", type=rule["severity"],
                                     message=found[0].message)
                fail.text = "\n\n".join(f"{f.subject}: {f.message}\nnext: {f.remediation}"
                                        for f in found)
            elif found:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"{f.severity}: {f.message}" for f in found)
        suite.set("tests", str(len(result.rules)))
        suite.set("failures", str(failures))
        suite.set("skipped", str(len(skipped)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
