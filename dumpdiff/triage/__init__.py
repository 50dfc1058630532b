"""triage: walk the Istio debugging ladder offline over dumps or a bundle."""
