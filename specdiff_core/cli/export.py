"""``export``: a duel or the paper's protocol taken to slides (animations of the app's
figures as GIF, MP4 or both, and an offline HTML page), or the bridge atlas of the shipped
real networks (its table and one certified sparsifier per network), written into a
directory (never over a file unless ``--force``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import CLIError

DUEL_PARTS = ("curves", "chain", "html")
PROTOCOL_PARTS = ("regime", "html")
ATLAS_PARTS = ("table", "graphml", "json")
FORMAT_CHOICES = {"gif": ("gif",), "mp4": ("mp4",), "both": ("gif", "mp4")}


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from ..config import REGIMES
    from ..experiments import DEMO
    from ..experiments.protocol import ProtocolConfig
    from ..report.export import SIZES

    p = sub.add_parser(
        "export",
        help="GIFs or MP4s and offline HTML of a duel or of the paper's protocol, for slides",
        description="Train the app's duel with these settings (or run the paper's protocol) "
        "and write animations of its figures (GIF, MP4 or both) and an offline HTML page "
        "into --out.",
    )
    p.add_argument("source", choices=["duel", "protocol", "atlas"], help="what to export")
    p.add_argument("--out", required=True, help="directory to write into (created if needed)")
    p.add_argument("--force", action="store_true", help="overwrite files already in --out")
    p.add_argument("--size", default="960x540", help=f"animation size: {', '.join(SIZES)}")
    p.add_argument(
        "--format",
        choices=list(FORMAT_CHOICES),
        default="gif",
        help="the animations' format: gif, mp4 (H.264, needs imageio-ffmpeg) or both, drawn once",
    )
    p.add_argument(
        "--what",
        help="comma-separated parts (duel: curves,chain,html; protocol: regime,html; default: all)",
    )
    p.add_argument("--seed", type=int, default=0)
    d = p.add_argument_group("duel")
    d.add_argument("--family", choices=["barbell", "asymmetric_chain"], default=DEMO.family)
    d.add_argument("--steps", type=int, default=DEMO.steps)
    d.add_argument("--lam", type=float, default=DEMO.lam, help="lambda of w = 1 + lambda R")
    d.add_argument("--regime", choices=list(REGIMES), default=DEMO.regime)
    d.add_argument("--eps", type=float, default=0.05, help="the bridge's frequency (--regime rare)")
    d.add_argument("--samples", type=int, default=8, help="samples per model of the held-out graph")
    g = p.add_argument_group("protocol")
    g.add_argument("--axis", choices=["lam", "rho"], default="lam", help="the regime map's y axis")
    g.add_argument("--trials", type=int, default=ProtocolConfig.trials, help="K per method")
    g.add_argument("--map-trials", type=int, default=ProtocolConfig.map_trials, help="K per cell")
    a = p.add_argument_group("atlas")
    a.add_argument("--budget", type=float, default=0.9, help="expected share of edges kept")
    a.add_argument("--draws", type=int, default=200, help="oracle and uniform draws per network")
    return p


def _parts(args: argparse.Namespace) -> list[str]:
    allowed = {"duel": DUEL_PARTS, "protocol": PROTOCOL_PARTS, "atlas": ATLAS_PARTS}[args.source]
    if not args.what:
        return list(allowed)
    parts = [w.strip() for w in args.what.split(",") if w.strip()]
    bad = [w for w in parts if w not in allowed]
    if bad or not parts:
        raise CLIError(f"--what for {args.source} takes {','.join(allowed)}; got {args.what!r}")
    return parts


def _names(args: argparse.Namespace, parts: list[str]) -> dict[str, str]:
    """Each part's file name; an animation's ends in .gif (:func:`_outputs` sets the format)."""
    tag = f"s{args.seed}"
    if args.source == "duel":
        eps = f"_eps{args.eps:g}" if args.regime == "rare" else ""
        tag = f"{args.family}_{args.regime}{eps}_lam{args.lam:g}_{tag}"
        files = {"curves": f"duel_curves_{tag}.gif", "chain": f"duel_chain_{tag}.gif"}
        return {p: files.get(p, f"duel_{tag}.html") for p in parts}
    if args.source == "atlas":
        from ..graphs.real import NETWORKS

        tag = f"b{args.budget:g}_{tag}"
        out = {"table": f"bridge_atlas_{tag}.md"} if "table" in parts else {}
        for fmt in ("graphml", "json"):
            if fmt in parts:
                out.update({f"{fmt}:{k}": f"{k}_oracle_{tag}.{fmt}" for k in NETWORKS})
        return out
    files = {"regime": f"protocol_regime_{args.axis}_{tag}.gif", "html": f"protocol_{tag}.html"}
    return {p: files[p] for p in parts}


def _outputs(args: argparse.Namespace, names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """File name -> (part, format): an animation once per format of ``--format`` (format
    "" for the other files)."""
    out = {}
    for part, name in names.items():
        if name.endswith(".gif"):
            out.update({f"{name[:-4]}.{fmt}": (part, fmt) for fmt in FORMAT_CHOICES[args.format]})
        else:
            out[name] = (part, "")
    return out


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..report.export import mp4_unavailable, slide_size, write_new

    parts = _parts(args)
    size = slide_size(args.size)
    names = _names(args, parts)
    outputs = _outputs(args, names)
    there = [n for n in outputs if (Path(args.out) / n).exists()]
    if there and not args.force:  # before any work: training takes a while
        raise CLIError(f"{', '.join(there)} exists in {args.out}: pass --force to overwrite it")
    if any(fmt == "mp4" for _, fmt in outputs.values()) and (why := mp4_unavailable()):
        raise CLIError(f"{why}: pass --format gif")
    make = {"duel": _duel, "protocol": _protocol, "atlas": _atlas}[args.source]
    made = make(args, list(names), size)  # an animation is a Clip: drawn once, any format
    files = {
        name: made[part].encode(fmt) if fmt else made[part] for name, (part, fmt) in outputs.items()
    }
    for path in write_new(files, args.out, force=args.force):
        print(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


def _duel(args: argparse.Namespace, parts: list[str], size: tuple[int, int]) -> dict[str, Any]:
    from ..experiments import demo_duel_config, demo_examples, sample_duel
    from ..report import export
    from ..training import Duel

    if not 1 <= args.samples <= 256:
        raise CLIError(f"--samples must be in 1..256, got {args.samples}")
    if args.steps < 1:
        raise CLIError(f"--steps must be at least 1, got {args.steps}")
    train, test = demo_examples(args.seed, family=args.family, regime=args.regime, eps=args.eps)
    duel = Duel(demo_duel_config(args.seed, steps=args.steps, lam=args.lam), train, probe=[test])
    while not duel.done:
        duel.step(min(50, duel.config.train.steps - duel.step_count))
        print(f"trained {duel.step_count} / {duel.config.train.steps}", file=sys.stderr)
    result = sample_duel(duel, test, k=args.samples, seed=args.seed)
    out: dict[str, Any] = {}
    if "curves" in parts:
        out["curves"] = export.duel_curves_clip(duel.history, size=size)
    if "chain" in parts:
        out["chain"] = export.duel_chain_clip(test, result.samples, seed=args.seed, size=size)
    if "html" in parts:
        settings = {
            "family": args.family,
            "steps": args.steps,
            "lam": args.lam,
            "regime": args.regime,
            "seed": args.seed,
        }
        out["html"] = export.duel_html(
            duel.history, test, result, seed=args.seed, settings=settings
        )
    return out


def _protocol(args: argparse.Namespace, parts: list[str], size: tuple[int, int]) -> dict[str, Any]:
    from ..experiments import protocol
    from ..report import export

    cfg = protocol.config_from(seed=args.seed, trials=args.trials, map_trials=args.map_trials)
    rm = protocol.regime_map(cfg)
    out: dict[str, Any] = {}
    if "regime" in parts:
        out["regime"] = export.regime_sweep_clip(rm, axis=args.axis, size=size)
    if "html" in parts:
        res = protocol.run_protocol(cfg, maps=False, long_run=False, variants=False)
        out["html"] = export.protocol_html(
            res, rm, note=f"K = {cfg.trials} trials, seed {cfg.seed}."
        )
    return out


def _atlas(args: argparse.Namespace, parts: list[str], size: tuple[int, int]) -> dict[str, Any]:
    from ..experiments import atlas

    cfg = atlas.AtlasConfig(budget=args.budget, draws=args.draws, seed=args.seed)
    out: dict[str, Any] = {}
    if "table" in parts:
        rows = atlas.bridge_atlas(cfg=cfg)
        out["table"] = "\n".join(atlas.atlas_markdown(rows)) + "\n"
        print("\n".join(atlas.atlas_markdown(rows)))
    certs: dict[str, dict[str, Any]] = {}
    for part in parts:
        if ":" in part:
            fmt, name = part.split(":")
            if name not in certs:
                certs[name] = atlas.certified_sparsifier(name, budget=args.budget, seed=args.seed)
                c = certs[name]["certificate"]
                print(
                    f"{name}: lambda_2 {c['lambda2_original']:.4g} -> {c['lambda2_sparsifier']:.4g}, "
                    f"spectral error {c['spectral_error']:.3f}, {c['kept_edges']} of {c['m']} edges, "
                    f"bridges kept {c['bridges_kept']}/{c['bridges']}"
                )
            out[part] = atlas.certificate_bytes(certs[name], fmt)
    return out
