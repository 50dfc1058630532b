"""Normalization: make replicas equal by a declarative profile (default.yaml)."""

from dumpdiff.normalize.normalizer import Normalizer, normalize_snapshot
from dumpdiff.normalize.profile import Profile, default_profile, load_profile

__all__ = ["Normalizer", "Profile", "default_profile", "load_profile", "normalize_snapshot"]
