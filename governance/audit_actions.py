"""How governance's audit events read (imported from governance/contributions.py). Events name no
member and never say how anyone voted."""

from __future__ import annotations
