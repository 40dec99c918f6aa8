"""hvac drives brine's KV version 2 engine at secret/ as it drives OpenBao's
(client.secrets.kv.v2): writes with and without check-and-set, versioned reads, patch, list,
soft delete of the latest version and of chosen ones, undelete, destroy, metadata read and
update, the engine's config, and delete of the metadata with every version. A token whose policy
grants only secret/data/app/* reads there and is refused everywhere else. VAULT_TOKEN is a root
token; SECRET_VALUE is the value the Java test then looks for on disk."""
import os

import hvac

from checks import check, client, emit, equal, raises

VALUE = os.environ["SECRET_VALUE"]
root = client()
kv = root.secrets.kv.v2

# Writes: a first version, then check-and-set.
first = kv.create_or_update_secret(path="db/prod", secret={"password": VALUE}, cas=0)
equal(first["data"]["version"], 1, "the first write's version")
equal(first["data"]["destroyed"], False, "a new version is not destroyed")
equal(first["data"]["deletion_time"], "", "no deletion time")
second = kv.create_or_update_secret(path="db/prod", secret={"password": VALUE, "user": "app"}, cas=1)
equal(second["data"]["version"], 2, "the second write's version")
raises(hvac.exceptions.InvalidRequest,
       lambda: kv.create_or_update_secret(path="db/prod", secret={"x": "y"}, cas=1),
       "a write with a stale cas",
       "check-and-set parameter did not match the current version")

# Versioned reads.
current = kv.read_secret_version(path="db/prod")["data"]
equal(current["data"], {"password": VALUE, "user": "app"}, "the current version's data")
equal(current["metadata"]["version"], 2, "the current version's number")
equal(kv.read_secret_version(path="db/prod", version=1)["data"]["data"], {"password": VALUE},
      "version 1's data")
raises(hvac.exceptions.InvalidPath, lambda: kv.read_secret_version(path="db/none"),
       "a secret that does not exist")

# hvac's patch: read, merge, write back with cas.
patched = kv.patch(path="db/prod", secret={"port": "5432"})
equal(patched["data"]["version"], 3, "the patched version")
equal(kv.read_secret_version(path="db/prod")["data"]["data"],
      {"password": VALUE, "user": "app", "port": "5432"}, "the patched data")

# Lists.
kv.create_or_update_secret(path="db/stage/replica", secret={"k": "v"})
equal(kv.list_secrets(path="db")["data"]["keys"], ["prod", "stage/"], "list_secrets under db")
check("db/" in kv.list_secrets(path="")["data"]["keys"], "db/ at the top")
raises(hvac.exceptions.InvalidPath, lambda: kv.list_secrets(path="nothing"), "an empty folder")

# Soft delete, undelete, destroy.
kv.delete_latest_version_of_secret(path="db/prod")
raises(hvac.exceptions.InvalidPath, lambda: kv.read_secret_version(path="db/prod"),
       "the deleted latest version")
kv.undelete_secret_versions(path="db/prod", versions=[3])
equal(kv.read_secret_version(path="db/prod")["data"]["metadata"]["version"], 3, "undeleted")
kv.delete_secret_versions(path="db/prod", versions=[1])
raises(hvac.exceptions.InvalidPath, lambda: kv.read_secret_version(path="db/prod", version=1),
       "the deleted version 1")
kv.destroy_secret_versions(path="db/prod", versions=[2])
meta = kv.read_secret_metadata(path="db/prod")["data"]
equal(meta["current_version"], 3, "current_version")
equal(meta["oldest_version"], 0, "oldest_version")
equal(meta["max_versions"], 0, "max_versions")
equal(meta["versions"]["2"]["destroyed"], True, "version 2 destroyed")
check(meta["versions"]["1"]["deletion_time"] != "", "version 1 has a deletion time", meta)
equal(meta["versions"]["3"]["deletion_time"], "", "version 3 was undeleted")
raises(hvac.exceptions.InvalidPath, lambda: kv.read_secret_version(path="db/prod", version=2),
       "the destroyed version 2")

# Metadata and the engine's config.
kv.update_metadata(path="db/prod", max_versions=5, cas_required=True, delete_version_after="1h")
meta = kv.read_secret_metadata(path="db/prod")["data"]
equal(meta["max_versions"], 5, "max_versions after update_metadata")
equal(meta["cas_required"], True, "cas_required after update_metadata")
equal(meta["delete_version_after"], "1h0m0s", "delete_version_after in Go's form")
raises(hvac.exceptions.InvalidRequest,
       lambda: kv.create_or_update_secret(path="db/prod", secret={"x": "y"}),
       "a write without cas where it is required",
       "check-and-set parameter required for this call")
kv.configure(max_versions=20, mount_point="secret")
equal(kv.read_configuration()["data"]["max_versions"], 20, "the engine's max_versions")
kv.configure(max_versions=0, mount_point="secret")

# A token limited to secret/data/app/*.
root.sys.create_or_update_policy(
    "app-reader", 'path "secret/data/app/*" { capabilities = ["read"] }\n')
kv.create_or_update_secret(path="app/config", secret={"color": "blue"})
token = root.auth.token.create(policies=["app-reader"], ttl="10m")["auth"]["client_token"]
reader = client(token).secrets.kv.v2
equal(reader.read_secret_version(path="app/config")["data"]["data"], {"color": "blue"},
      "the reader reads under app/")
raises(hvac.exceptions.Forbidden, lambda: reader.read_secret_version(path="db/prod"),
       "the reader reads db/prod")
raises(hvac.exceptions.Forbidden,
       lambda: reader.create_or_update_secret(path="app/config", secret={"color": "red"}),
       "the reader writes")
raises(hvac.exceptions.Forbidden, lambda: reader.list_secrets(path="app"), "the reader lists")
raises(hvac.exceptions.Forbidden, lambda: reader.delete_metadata_and_all_versions(path="app/config"),
       "the reader deletes")

# Everything of a secret, gone.
kv.delete_metadata_and_all_versions(path="db/stage/replica")
raises(hvac.exceptions.InvalidPath, lambda: kv.read_secret_metadata(path="db/stage/replica"),
       "the metadata of a deleted secret")
equal(kv.list_secrets(path="db")["data"]["keys"], ["prod"], "db after the delete")

emit({"ok": True})
