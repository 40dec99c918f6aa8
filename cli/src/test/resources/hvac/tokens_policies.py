"""hvac drives brine's token store and ACL policies as it drives OpenBao's: a policy written
through sys/policy (HCL and hvac's own JSON rendering of a dict), tokens created with it, looked
up, renewed and revoked by token and by accessor, child tokens limited to their parent's
policies, capabilities, and is_authenticated() true for a live token and false once revoked.
VAULT_TOKEN is a root token."""
import hvac

from checks import check, client, emit, equal, raises

root = client()
check(root.is_authenticated(), "is_authenticated() for the root token")
me = root.auth.token.lookup_self()["data"]
equal(me["policies"], ["root"], "the root token's policies")

# Policies through the legacy sys/policy path hvac uses.
RUNNER = '''
path "brine/jobs" {
  capabilities = ["create", "read", "list"]
  allowed_parameters = { "fun" = ["test.*"] }
}
path "auth/token/create" { capabilities = ["update"] }
'''
root.sys.create_or_update_policy("runner", RUNNER)
root.sys.create_or_update_policy(
    "reader", {"path": {"sys/policy/*": {"capabilities": ["read"]}}})
equal(root.sys.read_policy("runner")["data"]["rules"], RUNNER, "read_policy gives the text back")
names = root.sys.list_policies()["data"]["policies"]
for name in ("default", "root", "runner", "reader"):
    check(name in names, "list_policies holds " + name, names)
raises(hvac.exceptions.InvalidRequest,
       lambda: root.sys.create_or_update_policy("bad", 'path "x" { capabilities = ["fly"] }'),
       "an unknown capability is refused")
check("bad" not in root.sys.list_policies()["data"]["policies"], "nothing stored for a bad policy")

# Tokens.
made = root.auth.token.create(policies=["runner"], ttl="1h", display_name="ci", num_uses=0)
auth = made["auth"]
equal(sorted(auth["policies"]), ["default", "runner"], "the new token's policies")
equal(auth["renewable"], True, "renewable")
check(3500 <= auth["lease_duration"] <= 3600, "lease_duration of a 1h token", auth["lease_duration"])
equal(auth["orphan"], False, "a child of the root token is no orphan")
runner = client(auth["client_token"])
check(runner.is_authenticated(), "is_authenticated() for the new token")
looked = root.auth.token.lookup(auth["client_token"])["data"]
equal(looked["display_name"], "token-ci", "display_name")
equal(looked["accessor"], auth["accessor"], "lookup's accessor")
by_accessor = root.auth.token.lookup_accessor(auth["accessor"])["data"]
equal(by_accessor["id"], "", "lookup-accessor hides the token")
check(auth["accessor"] in root.auth.token.list_accessors()["data"]["keys"], "the accessor is listed")
renewed = runner.auth.token.renew_self(increment="30m")["auth"]
check(renewed["lease_duration"] <= 3600, "renew-self answers auth", renewed)

# A child cannot hold a policy its parent lacks.
raises(hvac.exceptions.Forbidden,
       lambda: runner.auth.token.create(policies=["reader"]), "a child with a policy the parent lacks")
child = runner.auth.token.create(policies=["runner"], ttl="10m")["auth"]
# The runner may not read policies, nor seal.
raises(hvac.exceptions.Forbidden, lambda: runner.sys.read_policy("reader"), "the runner reads a policy")
raises(hvac.exceptions.Forbidden, lambda: runner.sys.seal(), "the runner seals")
self_caps = runner.adapter.post("/v1/sys/capabilities-self", json={"paths": ["brine/jobs", "sys/seal"]})
equal(self_caps["data"]["brine/jobs"], ["create", "list", "read"], "capabilities-self on brine/jobs")
equal(self_caps["data"]["sys/seal"], ["deny"], "capabilities-self on sys/seal")

# Revoking the parent revokes the child.
root.auth.token.revoke(auth["client_token"])
check(not runner.is_authenticated(), "is_authenticated() false once revoked")
check(not client(child["client_token"]).is_authenticated(), "the child went with its parent")

# Use limits: a token with two uses works twice.
limited = root.auth.token.create(policies=["default"], num_uses=2)["auth"]
two = client(limited["client_token"])
two.auth.token.lookup_self()
two.auth.token.lookup_self()
raises(hvac.exceptions.Forbidden, lambda: two.auth.token.lookup_self(), "a third use")

# Revoke by accessor; delete a policy.
other = root.auth.token.create(policies=["reader"])["auth"]
root.auth.token.revoke_accessor(other["accessor"])
check(not client(other["client_token"]).is_authenticated(), "revoked by accessor")
root.sys.delete_policy("reader")
check("reader" not in root.sys.list_policies()["data"]["policies"], "delete_policy")

emit({"ok": True})
