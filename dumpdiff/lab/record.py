"""Write a scenario's `scenario.yaml`: what was done, what Envoy answered, what is true."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dumpdiff.lab.mesh import Pod

FILES = {
    "config_dump": "config_dump.json",
    "clusters_json": "clusters.json",
    "clusters_text": "clusters.txt",
    "access_log": "access.log",
    "manifests": "manifests",
}
PROXY_STATUS_FILE = "proxy-status.txt"


def proxy_type(pod: Pod) -> str:
    """`sidecar` or `gateway` (the node id says `router` for gateways)."""
    return "gateway" if pod.proxy_type == "router" else "sidecar"


@dataclass
class ScenarioRecord:
    """Everything scenario.yaml says about one scenario."""

    description: str
    pods: list[Pod]
    requests: list[dict[str, Any]] = field(default_factory=list)
    truth: list[dict[str, Any]] = field(default_factory=list)
    proxy_status: bool = False
    per_pod_dirs: bool = False  # replicas: one sub-folder per pod
    name: str = ""  # filled in by the runner from the scenario's name

    def as_dict(self) -> dict[str, Any]:
        """The YAML document, keys in the documented order."""
        first = self.pods[0]
        proxy: dict[str, Any]
        if self.per_pod_dirs:
            proxy = {
                "pods": [p.name for p in self.pods],
                "namespace": first.namespace,
                "workload": first.workload,
                "type": proxy_type(first),
            }
        else:
            proxy = {"pod": first.name, "namespace": first.namespace, "type": proxy_type(first)}
        # Paths are relative to the scenario folder; for replicas `{pod}` stands for each pod's
        # sub-folder, while the manifests (one set for the workload) stay at the top.
        files = {
            key: f"{{pod}}/{path}" if self.per_pod_dirs and key != "manifests" else path
            for key, path in FILES.items()
        }
        if self.proxy_status:
            files["proxy_status"] = PROXY_STATUS_FILE
        return {
            "name": self.name,
            "description": " ".join(self.description.split()),
            "proxy": proxy,
            "files": files,
            "requests": self.requests,
            "truth": self.truth,
        }

    def write(self, out_dir: Path) -> None:
        """Write `scenario.yaml` into `out_dir`."""
        text = yaml.safe_dump(
            self.as_dict(), sort_keys=False, default_flow_style=False, width=100, allow_unicode=True
        )
        (out_dir / "scenario.yaml").write_text(text)
