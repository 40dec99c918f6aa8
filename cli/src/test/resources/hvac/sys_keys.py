"""hvac against an unsealed brine master (VAULT_TOKEN: a root token; HVAC_UNSEAL_KEYS: the
comma-separated shares, threshold 2): key status, keyring rotation, generate-root, rekey."""
import base64
import os

import hvac

from checks import check, client, emit, equal, raises, status

c = client()
keys = os.environ["HVAC_UNSEAL_KEYS"].split(",")

# Key status: hvac's Client.key_status reads "data", as OpenBao's logical answer has it.
before = c.sys.get_encryption_key_status()
term = before["data"]["term"]
check(before["data"]["install_time"], "install_time", before)
equal(c.key_status["term"], term, "Client.key_status reads data")
status(c.sys.rotate_encryption_key(), 204, "rotate")
equal(c.sys.get_encryption_key_status()["data"]["term"], term + 1, "a new term")
raises(hvac.exceptions.Forbidden, lambda: client("s.0000000000000000000000000").sys.get_encryption_key_status(),
       "key status with a wrong token")

# Generate root (hvac calls the legacy sys/generate-root/*): start, progress, cancel, then a run.
idle = c.sys.read_root_generation_progress()
equal((idle["started"], idle["progress"], idle["required"]), (False, 0, 2), "no attempt")
started = c.sys.start_root_token_generation()
check(started["started"] and started["nonce"] and started["otp"], "attempt started", started)
equal(len(started["otp"]), started["otp_length"], "otp length")
nonce = started["nonce"]
one = c.sys.generate_root(key=keys[0], nonce=nonce)
equal((one["started"], one["progress"], one["complete"], one["nonce"]), (True, 1, False, nonce),
      "one share")
progress = c.sys.read_root_generation_progress()
equal((progress["progress"], progress["nonce"], progress["otp"]), (1, nonce, ""), "progress")
status(c.sys.cancel_root_generation(), 204, "cancel")
equal(c.sys.read_root_generation_progress()["started"], False, "cancelled")

started = c.sys.start_root_token_generation()
nonce, otp = started["nonce"], started["otp"]
c.sys.generate_root(key=keys[1], nonce=nonce)
last = c.sys.generate_root(key=keys[2], nonce=nonce)
equal((last["complete"], last["started"], last["nonce"]), (True, True, nonce),
      "the last share keeps started and the nonce")
encoded = base64.b64decode(last["encoded_token"])
token = bytes(a ^ b for a, b in zip(encoded, otp.encode("ascii"))).decode("ascii")
check(token and token != os.environ["VAULT_TOKEN"], "a new root token")
check(client(token).sys.get_encryption_key_status()["data"]["term"] == term + 1, "the new token works")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.start_root_token_generation(otp="x" * 28),
       "a client-chosen otp")

# Rekey on a Shamir vault (hvac calls the legacy sys/rekey/*, flat): init, progress, cancel.
equal(c.sys.read_rekey_progress()["started"], False, "no rekey")
rekey = c.sys.start_rekey(secret_shares=5, secret_threshold=3)
check(rekey["started"] and rekey["nonce"], "rekey started", rekey)
equal((rekey["t"], rekey["n"], rekey["required"]), (3, 5, 2), "new threshold and shares")
one = c.sys.rekey(key=keys[0], nonce=rekey["nonce"])
equal((one["progress"], one["nonce"]), (1, rekey["nonce"]), "one rekey share")
status(c.sys.cancel_rekey(), 204, "cancel rekey")
equal(c.sys.read_rekey_progress()["started"], False, "rekey cancelled")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.start_rekey(recovery_key=True),
       "recovery rekey on shamir", "recovery rekeying not supported")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.read_rekey_progress(recovery_key=True),
       "recovery rekey status on shamir", "recovery rekeying not supported")

emit({"term": term + 1})
