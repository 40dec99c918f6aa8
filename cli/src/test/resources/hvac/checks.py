"""Small assertion helpers the hvac scripts share (io.brine.cli.testing.Hvac puts this file beside
each script). A failed check raises, so the script exits non-zero with a traceback on stderr."""
import json
import sys

import hvac


def check(condition, what, got=None):
    if not condition:
        raise AssertionError(what + ("" if got is None else ": got " + repr(got)))


def equal(got, expected, what):
    check(got == expected, what + ": expected " + repr(expected), got)


def raises(exception_type, call, what, error=None):
    """call() must raise exception_type (hvac maps 400 to InvalidRequest, 403 to Forbidden, ...);
    with error, the server's {"errors": [...]} must be exactly [error]."""
    try:
        result = call()
    except exception_type as e:
        if error is not None:
            equal(e.errors, [error], what + " (errors)")
        return e
    raise AssertionError(what + ": expected " + exception_type.__name__ + ", got " + repr(result))


def status(response, code, what):
    """hvac returns the requests.Response itself for an answer that is not a 200 with JSON."""
    equal(getattr(response, "status_code", response), code, what + " (status)")


def client(token=None):
    """A client as hvac users make one: the address from VAULT_ADDR (hvac reads it itself), the
    token from VAULT_TOKEN unless given."""
    return hvac.Client(token=token, timeout=30) if token is not None else hvac.Client(timeout=30)


def emit(result):
    """The script's result for the Java test: one JSON line, the last on stdout."""
    print(json.dumps(result))
    sys.stdout.flush()
