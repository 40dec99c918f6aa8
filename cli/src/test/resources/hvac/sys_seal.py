"""hvac against a fresh brine master: init, unseal (with a reset), seal status, health, leader,
seal. Prints {"root_token": ..., "keys": [...]} (the vault left unsealed) for the next script."""
import hvac

from checks import check, client, emit, equal, raises, status

c = client()

equal(c.sys.read_init_status(), {"initialized": False}, "init status before init")
check(not c.sys.is_initialized(), "is_initialized before init")
# hvac's health call raises on no status: it hands back the answer, 501 before init.
uninitialized = c.sys.read_health_status(method="GET")
status(uninitialized, 501, "health before init")
equal(uninitialized.json()["initialized"], False, "health before init (body)")
equal(c.sys.read_leader_status(), {"ha_enabled": False}, "leader before init")

init = c.sys.initialize(secret_shares=3, secret_threshold=2)
keys = init["keys"]
equal(len(keys), 3, "shares")
equal(len(init["keys_base64"]), 3, "base64 shares")
check(init["root_token"], "a root token")
check(c.sys.is_initialized(), "is_initialized after init")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.initialize(secret_shares=1, secret_threshold=1),
       "a second init")

seal = c.sys.read_seal_status()
check(seal["sealed"] and seal["initialized"], "sealed after init", seal)
equal((seal["t"], seal["n"], seal["progress"]), (2, 3, 0), "threshold, shares, progress")
check(c.sys.is_sealed(), "is_sealed")
sealed_health = c.sys.read_health_status(method="GET")
status(sealed_health, 503, "health while sealed")
equal(sealed_health.json()["sealed"], True, "health while sealed (body)")
equal(c.sys.read_health_status(method="GET", sealed_code=200)["sealed"], True,
      "health with sealedcode=200")
equal(c.sys.read_leader_status(), {"ha_enabled": False}, "leader while sealed")

one = c.sys.submit_unseal_key(key=keys[0])
equal((one["sealed"], one["progress"]), (True, 1), "one share")
check(one["nonce"], "an unseal nonce", one)
reset = c.sys.submit_unseal_key(reset=True)
equal((reset["sealed"], reset["progress"]), (True, 0), "after reset")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.submit_unseal_key(key="not a share!"),
       "garbage while sealed", "'key' must be a valid hex or base64 string")

done = c.sys.submit_unseal_keys(keys[1:])
equal(done["sealed"], False, "unsealed by two shares")
check(not c.sys.is_sealed(), "is_sealed after unseal")
health = c.sys.read_health_status(method="GET")
equal((health["initialized"], health["sealed"], health["standby"]), (True, False, False), "health")
status(c.sys.read_health_status(), 200, "health HEAD")
equal(c.sys.read_leader_status(), {"ha_enabled": False}, "leader unsealed")
raises(hvac.exceptions.InvalidRequest, lambda: c.sys.submit_unseal_key(key="not a share!"),
       "garbage while unsealed", "'key' must be a valid hex or base64 string")
equal(c.sys.submit_unseal_key(key=keys[0])["sealed"], False, "a share while unsealed")

raises(hvac.exceptions.Forbidden, lambda: c.sys.seal(), "seal without a token")
rooted = client(init["root_token"])
status(rooted.sys.seal(), 204, "seal")
check(c.sys.is_sealed(), "sealed again")
equal(c.sys.submit_unseal_keys(keys[:2])["sealed"], False, "unsealed again")

emit({"root_token": init["root_token"], "keys": keys})
