"""One lab proxy: an Istio-shaped pod identity, its xDS files and the real Envoy serving them."""

from __future__ import annotations

import shutil
from pathlib import Path

from dumpdiff.lab import xds
from dumpdiff.lab.bootstrap import bootstrap
from dumpdiff.lab.certs import write_workload_certs
from dumpdiff.lab.envoy import ACCESS_LOG_FILE, Envoy
from dumpdiff.lab.feed import XdsFeed, XdsSnapshot
from dumpdiff.lab.istiod import CERT_DIR
from dumpdiff.lab.lifecycle import Stoppable
from dumpdiff.lab.mesh import Pod
from dumpdiff.lab.traffic import Traffic

# What is saved for every proxy, and the admin path it comes from (bytes kept as sent).
ADMIN_OUTPUTS = {
    "config_dump.json": "/config_dump?include_eds",
    "clusters.json": "/clusters?format=json",
    "clusters.txt": "/clusters",
}


class LabProxy(Stoppable):
    """Start with `with LabProxy(pod, snapshot, workdir) as proxy:`; Envoy stops on exit."""

    def __init__(self, pod: Pod, snapshot: XdsSnapshot, workdir: Path):
        self.pod = pod
        self.workdir = workdir
        self.snapshot = snapshot
        self.feed = XdsFeed(workdir)
        self.envoy = Envoy(workdir, bootstrap(pod, self.feed.dynamic_resources()))

    def open(self) -> None:
        """Write the certificates and the first push, start Envoy, wait until it took it."""
        write_workload_certs(self.workdir / CERT_DIR, xds.spiffe_id(self.pod))
        self.feed.write_initial(self.snapshot)
        self.envoy.start()
        self.feed.wait_loaded(self.envoy, self.snapshot)

    def stop(self) -> None:
        """Stop Envoy."""
        self.envoy.stop()

    def push(self, snapshot: XdsSnapshot) -> dict[str, str]:
        """Deliver a new push; return Envoy's verdict per changed subscription."""
        self.snapshot = snapshot
        return self.feed.push(self.envoy, snapshot)

    def traffic(self, listener: str = "0.0.0.0_8080") -> Traffic:
        """A traffic driver for one of this proxy's listeners."""
        return Traffic(self.envoy, listener)

    def capture(self, out_dir: Path) -> None:
        """Save the admin outputs and the access log into `out_dir`, byte for byte."""
        out_dir.mkdir(parents=True, exist_ok=True)
        for filename, path in ADMIN_OUTPUTS.items():
            (out_dir / filename).write_bytes(self.envoy.get(path))
        shutil.copyfile(self.workdir / ACCESS_LOG_FILE, out_dir / "access.log")
