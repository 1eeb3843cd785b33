"""The React Server Components flight payload as Next's App Router inlines it (reference 11.3): rows
`<hexId>:<payload>`, concatenated, cut into chunks at arbitrary points (mid-row), each pushed as a JS string
literal with `<`/`>` escaped as `\\u003c`/`\\u003e`; string values starting with `$` are doubled.
"""

from __future__ import annotations

import functools
import json
import random
from typing import Any

from scraper.replica import wordbank as wb
from scraper.replica.locale import STRINGS


def dollar_escape(value: Any) -> Any:
    """React's escaping of user strings that would read as references: "$5" → "$$5"."""
    if isinstance(value, str):
        return "$" + value if value.startswith("$") else value
    if isinstance(value, list):
        return [dollar_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: dollar_escape(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=8)
def messages(lang: str) -> str:
    """The next-intl translation bundle (~24 KB): every UI label, so labels occur in every page's scripts."""
    rng = random.Random(f"messages:{lang}")
    common = dict(STRINGS[lang])
    n = 0
    while len(dumps(common)) < 20000:
        words = " ".join(rng.sample(wb.SENTENCES, 1)[0].split()[: rng.randint(2, 7)])
        common[f"{rng.choice(['plan', 'indicator', 'dashboard', 'search', 'report', 'pledge'])}-{n}"] = words
        n += 1
    actions = {k: v for k, v in STRINGS[lang].items() if k.startswith("action")}
    return dumps({"common": common, "actions": actions, "a11y": {"skip-to-main": "Siirry sisältöön"}})


@functools.lru_cache(maxsize=1)
def runtime_js() -> str:
    """Minified-looking framework code that sits before the page's visible markup (~90 KB)."""
    rng = random.Random("runtime")
    parts = []
    size = 0
    while size < 90000:
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(2))
        stmt = (f"{name}=function(e,t,n){{var r=n({rng.randint(1000, 99999)}),o=r.{name}||{{}};"
                f"return e.exports=o[t]||function(){{return{rng.randint(0, 9)}}}}};")
        parts.append(stmt)
        size += len(stmt)
    return "".join(parts)


def encode_pushes(payload: str, rng: random.Random, chunks: int = 18) -> list[str]:
    """The payload cut into `chunks` pieces at random offsets, each as a `self.__next_f.push` script."""
    cuts = sorted(rng.sample(range(1, len(payload)), min(chunks - 1, len(payload) - 1)))
    pieces = [payload[a:b] for a, b in zip([0, *cuts], [*cuts, len(payload)], strict=True)]
    out = ["<script>(self.__next_f=self.__next_f||[]).push([0])</script>"]
    for piece in pieces:
        literal = dumps(piece).replace("<", "\\u003c").replace(">", "\\u003e")
        literal = literal.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        out.append(f"<script>self.__next_f.push([1,{literal}])</script>")
    return out


def payload(lang: str, build_id: str, route: list[str], main_row: Any, plan_ctx: Any) -> str:
    """Flight rows for one page; `main_row` is the element row (its props already `dollar_escape`d)."""
    rows = [
        f'0:{{"P":null,"b":"{build_id}","p":"","c":{dumps(route)},"i":false,"f":[[["",{{"children":'
        f'["{lang}",{{"children":"$L1"}}]}},"$undefined","$undefined",true]]],"m":"$undefined",'
        f'"G":["$2",[]],"s":false,"S":true}}',
        '1:"$Sreact.fragment"',
        '2:I[41234,["4212","static/chunks/4212-8c1f.js","7177","static/chunks/app/layout-3a9d.js"],"default"]',
        '3:I[50960,["8173","static/chunks/8173-55aa.js"],"NextIntlClientProvider"]',
        '4:I[77341,["6874","static/chunks/6874-9bde.js"],"PlanProvider"]',
        '33:I[90112,["8888","static/chunks/app/actions/page-1e2f.js"],"ActionContent"]',
        ':HL["/_next/static/css/9f1e2a.css","style"]',
        f'5:["$","$L3",null,{{"locale":"{lang}","messages":{messages(lang)},"timeZone":"UTC",'
        f'"nonce":"$undefined","children":"$L6"}}]',
        f'6:["$","$L4",null,{{"plan":{dumps(dollar_escape(plan_ctx))},"children":"$L17"}}]',
        f"17:{dumps(main_row)}",
    ]
    return "\n".join(rows) + "\n"
