"""hvac against a standby of a three-master brine cluster (VAULT_ADDR), the active master at
ACTIVE_ADDR: sys/leader names the active one, sys/health answers 429 (200 with standbyok), and a
write through the standby follows the 307 to the active master, which stores it. Prints
{"policy": <the text read back from the active master>}."""
import os

import hvac

from checks import check, client, emit, equal, status

active_addr = os.environ["ACTIVE_ADDR"]
c = client()

leader = c.sys.read_leader_status()
equal(leader["ha_enabled"], True, "ha_enabled")
equal(leader["is_self"], False, "is_self on a standby")
equal(leader["leader_address"], active_addr, "leader_address")
check("active_time" in leader and "leader_cluster_address" in leader, "OpenBao's fields", leader)

health = c.sys.read_health_status(method="GET")
status(health, 429, "health on a standby")
equal((health.json()["standby"], health.json()["sealed"]), (True, False), "health body")
equal(c.sys.read_health_status(method="GET", standby_ok=True)["standby"], True,
      "health with standbyok")
check(not c.sys.is_sealed(), "a standby is unsealed")

text = 'path "secret/cluster/*" {\n  capabilities = ["read"]\n}\n'
c.sys.create_or_update_policy(name="through-standby", policy=text)

on_active = hvac.Client(url=active_addr, token=os.environ["VAULT_TOKEN"], timeout=30)
stored = on_active.sys.read_policy(name="through-standby")["data"]["rules"]
equal(stored, text, "the policy written through the standby, read on the active master")
emit({"policy": stored})
