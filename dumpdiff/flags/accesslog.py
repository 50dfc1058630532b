"""istio-proxy access logs (Istio's JSON encoding or its default text format) and their summary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from dumpdiff.errors import InputError
from dumpdiff.flags.table import flag_table, split_flags

# Istio's default text format (meshConfig.accessLogFormat unset):
# [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
# %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
# "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
# %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
# "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
# %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
# %REQUESTED_SERVER_NAME% %ROUTE_NAME%
_TEXT = re.compile(
    r'^\[(?P<start_time>[^\]]*)\] "(?P<method>\S+) (?P<path>\S+) (?P<protocol>[^"]*)" '
    r"(?P<response_code>\d+) (?P<response_flags>\S+) (?P<response_code_details>\S+) "
    r'(?P<connection_termination_details>\S+) "(?P<upstream_transport_failure_reason>[^"]*)" '
    r"(?P<bytes_received>\S+) (?P<bytes_sent>\S+) (?P<duration>\S+) (?P<upstream_service_time>\S+) "
    r'"(?P<x_forwarded_for>[^"]*)" "(?P<user_agent>[^"]*)" "(?P<request_id>[^"]*)" '
    r'"(?P<authority>[^"]*)" "(?P<upstream_host>[^"]*)" (?P<upstream_cluster>\S+)'
    r"(?: (?P<upstream_local_address>\S+) (?P<downstream_local_address>\S+) "
    r"(?P<downstream_remote_address>\S+) (?P<requested_server_name>\S+) (?P<route_name>\S+))?")


@dataclass(slots=True)
class LogSummary:
    """Counts from an access log, and what to check next."""

    source: str
    lines: int = 0
    parsed: int = 0
    unparsed: int = 0
    by_flag: dict[str, int] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    by_cluster: dict[str, int] = field(default_factory=dict)
    by_flag_cluster: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def parse_line(line: str) -> dict[str, Any] | None:
    """One access-log entry as a dict, or None when the line is not one."""
    line = line.strip()
    if not line:
        return None
    if line.startswith("{"):
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        return data if isinstance(data, dict) else None
    m = _TEXT.match(line)
    return m.groupdict() if m else None


def summarize(source: str, text: str) -> LogSummary:
    """Count flags, codes and clusters; a log with no parsable line is bad input."""
    s = LogSummary(source)
    flags: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    clusters: Counter[str] = Counter()
    pairs: dict[str, Counter[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        s.lines += 1
        entry = parse_line(line)
        if entry is None:
            s.unparsed += 1
            continue
        s.parsed += 1
        code = str(entry.get("response_code", "-"))
        cluster = str(entry.get("upstream_cluster") or "-")
        codes[code] += 1
        clusters[cluster] += 1
        for f in split_flags(str(entry.get("response_flags") or "-")):
            flags[f] += 1
            pairs.setdefault(f, Counter())[cluster] += 1
    if s.lines and not s.parsed:
        raise InputError(source, "no line is an Envoy access-log entry (Istio JSON or default "
                                 "text format)")
    s.by_flag, s.by_code, s.by_cluster = dict(flags), dict(codes), dict(clusters)
    s.by_flag_cluster = {f: dict(c) for f, c in pairs.items()}
    return s


def known(flag: str) -> bool:
    """True for a flag Envoy defines."""
    return flag in flag_table()
