"""The report's inline stylesheet: one file, no external fonts or assets, readable on screen and on paper."""

CSS = """
:root{--ink:#1d2430;--muted:#5b6575;--line:#dde3ea;--bg:#f6f8fa;--card:#fff;--add:#0b6b3a;--addbg:#dcf5e6;
--rem:#9b1c1c;--rembg:#fde2e2;--mov:#8a5a00;--movbg:#fff1cc;--accent:#0f4c81}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:28px 24px 64px}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 4px}
h2{font-size:1.35rem;margin:40px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:0}
a{color:var(--accent)}
.sub{color:var(--muted);margin:0 0 18px}
.muted{color:var(--muted)}
.lede{color:var(--muted);margin-top:0}
.warn{background:var(--movbg);border-left:4px solid var(--mov);padding:8px 12px;border-radius:4px}
.counts{font-size:1.05rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:16px 0}
.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.stat b{display:block;font-size:1.7rem;line-height:1.1}
.stat span{color:var(--muted);font-size:.9rem}
.change{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--line);border-radius:8px;
padding:14px 16px;margin:12px 0}
.change.added{border-left-color:var(--add)}
.change.removed{border-left-color:var(--rem)}
.change.modified{border-left-color:var(--accent)}
.change header{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;align-items:baseline}
.change header div{font-size:.9rem;white-space:nowrap}
.kind{display:inline-block;font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em;
padding:1px 7px;border-radius:10px;background:#e8eef5;color:var(--accent);margin-right:4px}
.kind.added{background:var(--addbg);color:var(--add)}
.kind.removed{background:var(--rembg);color:var(--rem)}
.kind.cause{background:#eee;color:var(--muted)}
.kind.silent,.kind.story{background:#fde8c8;color:#7a4100;font-weight:600}
.kind.story.flip_flop{background:#e9e0f7;color:#4b2a85}
.stories ul{padding-left:1.2rem}.stories li{margin:4px 0}
.window{color:var(--muted);font-size:.9rem;margin:4px 0 8px}
.why{margin:8px 0 0}
table.fields{border-collapse:collapse;width:100%;margin-top:8px}
table.fields th{text-align:left;vertical-align:top;width:190px;padding:6px 10px 6px 0;color:var(--muted);
font-weight:600;font-size:.92rem}
table.fields td{padding:6px 0;border-top:1px solid var(--line);overflow-wrap:anywhere}
table.fields tr:first-child td{border-top:0}
del{background:var(--rembg);color:var(--rem);text-decoration:line-through;text-decoration-thickness:1px}
ins{background:var(--addbg);color:var(--add);text-decoration:none}
.prose{max-width:70ch}
.arrow{color:var(--muted);padding:0 4px}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:.88rem;font-weight:600;
background:#e9edf2;color:#394150}
.badge.ok{background:#d8efff;color:#0b4f80}.badge.done{background:var(--addbg);color:var(--add)}
.badge.late{background:var(--movbg);color:var(--mov)}.badge.bad{background:var(--rembg);color:var(--rem)}
ul.items{list-style:none;margin:0;padding:0}
ul.items li{padding:2px 0}
ul.items .op{font-weight:600;font-size:.9rem}
li.add .op{color:var(--add)}li.rem .op{color:var(--rem)}li.mov .op{color:var(--mov)}li.chg .op{color:var(--accent)}
.detail{color:var(--muted);font-size:.9rem}
q{quotes:"\\201C" "\\201D"}
table.runs{border-collapse:collapse;width:100%;font-size:.92rem;background:var(--card)}
table.runs th,table.runs td{border:1px solid var(--line);padding:5px 8px;text-align:left}
table.runs td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fff6f6}
.outcome{font-weight:600}.outcome.complete{color:var(--add)}.outcome.partial,.outcome.interrupted{color:var(--mov)}
.outcome.failed{color:var(--rem)}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:.88rem;margin-top:8px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.hist{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:14px 0}
.hist h3{margin-bottom:6px}
.hist ol{margin:0;padding-left:20px}
.hist li{margin:10px 0}
.toc{columns:2;font-size:.92rem;padding-left:18px}
footer{margin-top:48px;color:var(--muted);font-size:.85rem}
@media print{body{background:#fff}.change,.hist,.stat{break-inside:avoid}}
"""
