"""deploy/: every object valid against Kubernetes' own OpenAPI schemas, strictly (no unknown
fields), and the objects consistent with each other, with the Dockerfile and with destgraph's own
config loader, so the example workspace file can never drift from the code.

kubernetes-validate ships the schemas, so this runs offline. The manifests target Kubernetes 1.30
(the oldest release they use fields of, e.g. matchLabelKeys and unhealthyPodEvictionPolicy, by
default) and are also checked against the newest release the installed kubernetes-validate knows,
which catches an API removed since.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from destgraph.config import settings_from_dict

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
#: the Kubernetes release the manifests are written for
KUBERNETES_VERSION = "1.30.0"
VERSIONS = sorted({KUBERNETES_VERSION, kubernetes_validate.latest_version()})
PLACEHOLDER = "REPLACE_ME"

Doc = dict[str, Any]


def load_documents() -> list[tuple[Path, Doc]]:
    found = []
    for path in sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")]):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                found.append((path, doc))
    return found


DOCUMENTS = load_documents()
OBJECTS = [(path, doc) for path, doc in DOCUMENTS if doc.get("kind") != "Kustomization"]


def ident(path: Path, doc: Doc) -> str:
    return f"{path.relative_to(DEPLOY)}:{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def objects(kind: str) -> list[Doc]:
    return [doc for _, doc in OBJECTS if doc["kind"] == kind]


def one(kind: str, name: str) -> Doc:
    found = [doc for doc in objects(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name} in deploy/, found {len(found)}"
    return found[0]


def kustomization() -> Doc:
    found = [doc for _, doc in DOCUMENTS if doc.get("kind") == "Kustomization"]
    assert len(found) == 1
    return found[0]


def pod_labels(workload: Doc) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container(workload: Doc) -> Doc:
    """The workload's one container."""
    containers: list[Doc] = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def gateway() -> Doc:
    return one("Deployment", "destgraph")


def redis() -> Doc:
    return one("Deployment", "destgraph-redis")


def secret_template() -> Doc:
    return one("Secret", "destgraph-secrets")


def example_workspace_file() -> Doc:
    return tomllib.loads(one("ConfigMap", "destgraph-config")["data"]["gateway.toml"])


def env(workload: Doc) -> list[Doc]:
    variables: list[Doc] = container(workload).get("env", [])
    return variables


def arg_after(args: list[str], flag: str) -> str:
    assert flag in args, f"{flag} not in {args}"
    return args[args.index(flag) + 1]


def dockerfile_runtime(keyword: str) -> str:
    """The last ``keyword`` instruction of the Dockerfile (the runtime stage)."""
    found = re.findall(rf"^{keyword}\s+(.+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert found, f"no {keyword} in the Dockerfile"
    return str(found[-1]).strip()


def test_deploy_has_every_object() -> None:
    kinds = sorted(doc["kind"] for _, doc in OBJECTS)
    assert kinds == sorted(
        [
            "ConfigMap",
            "Deployment",
            "Deployment",
            "HorizontalPodAutoscaler",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Secret",
            "Service",
            "Service",
        ]
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("path", "doc"), OBJECTS, ids=[ident(p, d) for p, d in OBJECTS])
def test_valid_against_the_kubernetes_schema(path: Path, doc: Doc, version: str) -> None:
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = "/".join(str(p) for p in exc.path)
        pytest.fail(f"{ident(path, doc)} against Kubernetes {version}: {where}: {exc.message}")


def test_namespace_agnostic() -> None:
    for path, doc in OBJECTS:
        assert "namespace" not in doc["metadata"], ident(path, doc)
    assert "namespace" not in kustomization()


def test_kustomization_applies_every_manifest_but_the_templates() -> None:
    """Every file of deploy/ is applied by `kubectl apply -k deploy/` except *.example.yaml, which
    are templates: applying the Secret's placeholders would overwrite the real tokens."""
    applied = set(kustomization()["resources"])
    files = {p.name for p in DEPLOY.glob("*.yaml") if p.name != "kustomization.yaml"}
    templates = {name for name in files if name.endswith(".example.yaml")}
    assert templates == {"secret.example.yaml"}
    assert applied == files - templates
    for path, doc in OBJECTS:
        if path.name in applied:
            assert doc["kind"] != "Secret", f"{path.name}: secrets are never applied from the repository"


def test_kustomization_sets_the_gateway_image() -> None:
    images = {image["name"]: image for image in kustomization()["images"]}
    assert container(gateway())["image"] in images


def test_kustomize_builds_what_the_folder_holds() -> None:
    """`kubectl kustomize deploy/` (where kubectl is installed) renders every object but the Secret
    template, unchanged except for the image."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    done = subprocess.run([kubectl, "kustomize", str(DEPLOY)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    built = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(done.stdout) if d}
    expected = {(d["kind"], d["metadata"]["name"]): d for d in objects_applied()}
    assert set(built) == set(expected)
    [image] = kustomization()["images"]
    rendered = container(built["Deployment", "destgraph"])
    assert rendered["image"] == f"{image['newName']}:{image['newTag']}"
    rendered["image"] = container(expected["Deployment", "destgraph"])["image"]
    assert built == expected


def objects_applied() -> list[Doc]:
    applied = set(kustomization()["resources"])
    return [doc for path, doc in OBJECTS if path.name in applied]


def test_services_select_one_workload_each_on_its_port() -> None:
    workloads = objects("Deployment")
    for service in objects("Service"):
        selector = service["spec"]["selector"]
        chosen = [w for w in workloads if selects(selector, pod_labels(w))]
        assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {len(chosen)} workloads"
        ports = container(chosen[0])["ports"]
        for port in service["spec"]["ports"]:
            target = port["targetPort"]
            assert any(target in (p["name"], p["containerPort"]) for p in ports), (
                f"Service {service['metadata']['name']}: targetPort {target} is no port of its pods"
            )


def test_gateway_service_port_80_to_8000() -> None:
    service = one("Service", "destgraph")
    assert service["spec"]["type"] == "ClusterIP"
    assert selects(service["spec"]["selector"], pod_labels(gateway()))
    [port] = service["spec"]["ports"]
    [container_port] = [
        p for p in container(gateway())["ports"] if port["targetPort"] in (p["name"], p["containerPort"])
    ]
    assert (port["port"], container_port["containerPort"]) == (80, 8000)


def test_selectors_match_their_pods() -> None:
    for workload in objects("Deployment"):
        assert selects(workload["spec"]["selector"]["matchLabels"], pod_labels(workload))


def test_pdb_and_hpa_target_the_gateway() -> None:
    deployment = gateway()
    pdb = one("PodDisruptionBudget", "destgraph")
    assert selects(pdb["spec"]["selector"]["matchLabels"], pod_labels(deployment))
    assert not selects(pdb["spec"]["selector"]["matchLabels"], pod_labels(redis()))
    hpa = one("HorizontalPodAutoscaler", "destgraph")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", "destgraph")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 10)
    assert deployment["spec"]["replicas"] == hpa["spec"]["minReplicas"]
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    # The HPA's CPU utilisation is a share of the request: there must be one.
    assert "cpu" in container(deployment)["resources"]["requests"]
    # A drain must always be able to take one pod, or the PDB blocks node upgrades.
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]


def test_rolling_update_keeps_every_replica() -> None:
    strategy = gateway()["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0
    assert strategy["rollingUpdate"]["maxSurge"] not in (0, "0%")


def test_config_map_and_secret_references_exist() -> None:
    config_maps = {doc["metadata"]["name"]: doc for doc in objects("ConfigMap")}
    secrets = {doc["metadata"]["name"]: doc for doc in objects("Secret")}
    for workload in objects("Deployment"):
        for volume in workload["spec"]["template"]["spec"].get("volumes", []):
            if "configMap" in volume:
                config_map = config_maps[volume["configMap"]["name"]]
                for item in volume["configMap"].get("items", []):
                    assert item["key"] in config_map["data"]
            assert "secret" not in volume or volume["secret"]["secretName"] in secrets
        for variable in env(workload):
            ref = variable.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] in secrets, f"{variable['name']}: no Secret {ref['name']} in deploy/"
                assert ref["key"] in secrets[ref["name"]]["stringData"], f"{variable['name']}: no key {ref['key']}"
                assert not ref.get("optional", False)
            ref = variable.get("valueFrom", {}).get("configMapKeyRef")
            if ref:
                assert ref["key"] in config_maps[ref["name"]]["data"]


def test_secret_template_covers_every_token_env_with_placeholders() -> None:
    secret = secret_template()
    assert "data" not in secret, "the template holds placeholders in stringData, never encoded values"
    token_envs = {workspace["token_env"] for workspace in example_workspace_file()["workspaces"]}
    missing = token_envs - set(secret["stringData"])
    assert not missing, f"the Secret template has no key for {sorted(missing)}"
    for key, value in secret["stringData"].items():
        assert value.startswith(PLACEHOLDER), f"{key}: only placeholders are committed"
    # and the gateway gets each of them from that Secret, under the name the workspace file says
    from_secret = {
        v["name"]: v["valueFrom"]["secretKeyRef"] for v in env(gateway()) if "secretKeyRef" in v.get("valueFrom", {})
    }
    for name in token_envs:
        assert from_secret.get(name) == {"name": "destgraph-secrets", "key": name}, name


def test_example_workspace_file_loads_with_destgraphs_own_loader() -> None:
    document = example_workspace_file()
    fake_environ = dict(secret_template()["stringData"])
    settings = settings_from_dict(document, fake_environ)
    assert {w.provider.value for w in settings.workspaces} == {"segment", "ours", "zeotap", "nimriz"}
    for workspace in settings.workspaces:
        assert workspace.token.get_secret_value() == fake_environ[workspace.token_env]
        assert urlsplit(workspace.base_url).scheme == "https"
    keys = {w.key for w in settings.workspaces}
    assert settings.api_keys, "the example shows how API keys are written"
    for api_key in settings.api_keys:
        assert set(api_key.workspaces) <= keys | {"*"}, f"API key {api_key.name} names an unknown workspace"
    # what a production gateway should not serve
    assert settings.gateway.graphiql is False


def test_redis_url_names_the_redis_service() -> None:
    variables = env(gateway())
    names = [v["name"] for v in variables]
    redis_url = next(v["value"] for v in variables if v["name"] == "REDIS_URL")
    # Kubernetes expands $(NAME) only from variables defined earlier in the list.
    for reference in re.findall(r"\$\((\w+)\)", redis_url):
        assert reference in names[: names.index("REDIS_URL")], f"REDIS_URL uses $({reference}) before it is set"
    parts = urlsplit(redis_url)
    assert parts.scheme == "redis"
    service = one("Service", parts.hostname or "")
    assert parts.port in [p["port"] for p in service["spec"]["ports"]]
    assert selects(service["spec"]["selector"], pod_labels(redis()))
    # Redis asks for the same password the URL carries.
    redis_container = container(redis())
    password = next(v for v in redis_container["env"] if v["name"] == "REDIS_PASSWORD")
    url_password = next(v for v in variables if v["name"] == "REDIS_PASSWORD")
    assert password["valueFrom"] == url_password["valueFrom"]
    assert arg_after(redis_container["args"], "--requirepass") == "$(REDIS_PASSWORD)"


def test_redis_keeps_nothing_on_disk() -> None:
    """The gateway's state in Redis is reconstructible: no volume, no snapshots, no AOF."""
    spec = redis()["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"]["type"] == "Recreate"
    args = container(redis())["args"]
    assert arg_after(args, "--save") == ""
    assert arg_after(args, "--appendonly") == "no"
    for volume in spec["template"]["spec"]["volumes"]:
        assert set(volume) == {"name", "emptyDir"}, volume


def test_only_the_gateway_reaches_redis() -> None:
    [policy] = objects("NetworkPolicy")
    assert selects(policy["spec"]["podSelector"]["matchLabels"], pod_labels(redis()))
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    [rule] = policy["spec"]["ingress"]
    [peer] = rule["from"]
    assert set(peer) == {"podSelector"}
    assert selects(peer["podSelector"]["matchLabels"], pod_labels(gateway()))
    assert not selects(peer["podSelector"]["matchLabels"], pod_labels(redis()))
    redis_ports = {p["containerPort"] for p in container(redis())["ports"]}
    assert {p["port"] for p in rule["ports"]} == redis_ports


def test_gateway_runs_the_image_command_on_the_mounted_config() -> None:
    deployment = gateway()
    main = container(deployment)
    # the Deployment spells out the image's default command (Dockerfile CMD)
    assert main["args"] == json.loads(dockerfile_runtime("CMD"))
    port = int(arg_after(main["args"], "--port"))
    assert [p["containerPort"] for p in main["ports"]] == [port]
    assert dockerfile_runtime("EXPOSE") == str(port)
    # the --config file is the ConfigMap's gateway.toml, through a mount of the whole directory
    config_path = PurePosixPath(arg_after(main["args"], "--config"))
    [mount] = [m for m in main["volumeMounts"] if config_path.is_relative_to(m["mountPath"])]
    assert mount.get("readOnly") is True
    assert "subPath" not in mount
    [volume] = [v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"]]
    [item] = volume["configMap"]["items"]
    assert (item["key"], item["path"]) == ("gateway.toml", str(config_path.relative_to(mount["mountPath"])))
    # Prometheus scrapes /metrics on that port
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_probes_use_healthz_not_readyz() -> None:
    """/readyz probes every vendor: one vendor down would take every replica out of the Service."""
    main = container(gateway())
    port_names = {p["name"]: p["containerPort"] for p in main["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        http = main[probe]["httpGet"]
        assert http["path"] == "/healthz", probe
        assert port_names.get(http["port"], http["port"]) == 8000


def test_gateway_runs_as_the_dockerfiles_user() -> None:
    uid, _, gid = dockerfile_runtime("USER").partition(":")
    pod = gateway()["spec"]["template"]["spec"]["securityContext"]
    assert (pod["runAsUser"], pod["runAsGroup"]) == (int(uid), int(gid))


@pytest.mark.parametrize("name", ["destgraph", "destgraph-redis"])
def test_locked_down_pods(name: str) -> None:
    workload = one("Deployment", name)
    pod = workload["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    assert "terminationGracePeriodSeconds" in pod
    emptydirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
    for main in pod["containers"]:
        context = main["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert context["runAsNonRoot"] is True
        assert [m["name"] for m in main["volumeMounts"] if m["mountPath"] == "/tmp"] != []
        assert all(m["name"] in emptydirs for m in main["volumeMounts"] if m["mountPath"] == "/tmp")
        resources = main["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), main["name"]
        assert "memory" in resources["limits"], main["name"]


def test_gateway_replicas_spread_over_nodes() -> None:
    pod = gateway()["spec"]["template"]["spec"]
    constraints = pod["topologySpreadConstraints"]
    by_key = {c["topologyKey"]: c for c in constraints}
    assert "kubernetes.io/hostname" in by_key
    for constraint in constraints:
        assert selects(constraint["labelSelector"]["matchLabels"], pod_labels(gateway()))
