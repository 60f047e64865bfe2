"""Bandwidth rules: egress and media payloads call for a CDN."""

from __future__ import annotations

from collections.abc import Iterator

from sysdesign.design import media_actions
from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q


@rule("BW001", "bandwidth", "Egress calls for a CDN",
      why="Every byte served from origin crosses your uplink and your bill. A CDN caches "
          "responses at edge locations near users: less origin bandwidth, lower latency, and "
          "a shield against traffic spikes.",
      fix="Put a CDN in front of cacheable responses and static assets; set Cache-Control "
          "headers so the edge can keep them.",
      thresholds="peak egress > assumption cdn_egress_threshold (default 1 Gbps)",
      severity="error when peak egress is past the threshold and the design has no CDN; info "
               "when it has one; silent below the threshold")
def egress_cdn(ctx: Context) -> Iterator[Finding]:
    peak = ctx.estimate.peak_egress_bits.value
    threshold = ctx.a["cdn_egress_threshold"]
    if peak <= threshold:
        return
    msg = (f"Peak egress {q.fmt_bits_per_second(peak)} is past "
           f"{q.fmt_bits_per_second(threshold)}")
    if ctx.design.has("cdn"):
        yield finding("BW001", "info", msg + "; the design serves it through a CDN.")
    else:
        yield finding("BW001", "error", msg + " and the design has no CDN.",
                      fix="Enable the CDN (remove design.cdn.enabled: false).")


@rule("BW002", "bandwidth", "Media payloads belong in object storage behind a CDN",
      why="Images and video are large and immutable: databases and app servers are the wrong "
          "place to store or stream them. Object storage keeps them cheaply and durably; a CDN "
          "serves them from the edge.",
      fix="Upload media to object storage (pre-signed URLs let clients upload directly), store "
          "only keys in the database, and serve through a CDN.",
      thresholds="an action marked media: true, or a payload >= assumption "
                 "media_size_threshold (default 1 MB)",
      severity="warning when media payloads lack a CDN or object storage; info when both are "
               "there; silent without media")
def media_payloads(ctx: Context) -> Iterator[Finding]:
    media = media_actions(ctx.estimate)
    if not media:
        return
    names = ", ".join(
        f"{x.name} ({q.fmt_bytes(max(x.action.response_size, x.action.request_size))})"
        for x in media)
    ok = ctx.design.has("cdn") and ctx.design.has("object_storage")
    yield finding("BW002", "info" if ok else "warning",
                  f"Media payloads: {names}."
                  + (" The design keeps them in object storage behind a CDN." if ok else
                     " The design lacks " + " and ".join(
                         k for k in ("cdn", "object_storage") if not ctx.design.has(k)) + "."))
