"""SonarQube / SonarCloud: the server's quality gate and measures; see `SonarQubeAdapter`."""

from __future__ import annotations

from qualitygates.adapters.sonarqube.adapter import SonarQubeAdapter

__all__ = ["SonarQubeAdapter"]
