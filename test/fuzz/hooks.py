"""Hooks of the API fuzzer (test/fuzz/run.ts sets SCHEMATHESIS_HOOKS to this module).

An exam start must lie in the future: the clock decides that, not the document, so a request
with a start already past is refused (400 `invalid_time`) although it is valid by the document.
Generated starts from 1970 up to 2095 are moved to 2096 if their year was a leap year, else to
2097, so every generated day stays as valid or invalid as it was; anything else, valid or not,
is sent as generated, so negative cases stay negative.

The upcoming list's cursor carries Temporal's visibility page token: only a `nextCursor` the
service gave is a position, and no pattern can say which strings those are, so requests with a
generated cursor on that operation are not sent (its other parameters are fuzzed as usual).
"""
import re

import schemathesis

_YEAR = re.compile(r"^(19[7-9][0-9]|20[0-8][0-9]|209[0-5])(-.*)$", re.S)


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _in_future(value):
    if isinstance(value, str):
        m = _YEAR.match(value)
        if m:
            return ("2096" if _is_leap(int(m.group(1))) else "2097") + m.group(2)
    return value


# Case-level hooks: every phase (examples, coverage, fuzzing) runs them, while the
# container-level ones (map_body, filter_query) shape only the fuzzing phase's strategies.
@schemathesis.hook
def map_case(context, case):
    body = case.body
    if isinstance(body, dict):
        if "startsAt" in body:  # reschedule
            case.body = {**body, "startsAt": _in_future(body["startsAt"])}
        exam = body.get("exam")
        if isinstance(exam, dict) and "startsAt" in exam:  # a new booking
            case.body = {**body, "exam": {**exam, "startsAt": _in_future(exam["startsAt"])}}
    return case


@schemathesis.hook
def filter_case(context, case):
    if case.operation.path.endswith("/notifications/upcoming"):
        return not (isinstance(case.query, dict) and "cursor" in case.query)
    return True
