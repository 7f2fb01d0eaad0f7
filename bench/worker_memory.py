"""Does a worker process that renders issue after issue keep its size? Prints one JSON line.

    .venv/bin/python bench/worker_memory.py [--renders 50] [--articles 8]

Renders a draft issue again and again in one process — as `manage.py run_worker` does
between restarts — changing one piece's text each time (a new draft each render, as the
editor's changes make), and reports the resident size (RSS, MB) after 5 renders and after
the last. tests/test_worker.py asserts the growth from 5 to 50 stays within 20 %.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "市人大常委会坚持把优化法治化营商环境作为履职重点，围绕企业反映强烈的堵点难点问题，"
    "组织开展专题调研和执法检查，推动有关部门建立问题清单、责任清单和整改清单，"
    "确保各项措施落地见效。一是聚焦制度供给，二是聚焦监督实效，三是聚焦代表作用。"
)


def draft(articles: int, variant: int):
    from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section

    items = [
        ArticleItem(
            title=f"西湖区：第{n + 1}篇文章助力优化营商环境",
            paragraphs=[[Run(f"{PARAGRAPH}（第{variant}稿）" if p == 0 else PARAGRAPH)] for p in range(4)],
            byline_org="西湖区人大常委会办公室",
            byline_authors=["钱苏晚"],
        )
        for n in range(articles)
    ]
    briefs = [
        BriefItem([Run("萧山区人大常委会开展代表进站活动，收集意见建议十二条。")], "萧山区人大常委会", [])
    ]
    return IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="",
        year=2024,
        number=15,
        total_number=703,
        date=datetime.date(2024, 10, 25),
        sections=[Section("助力攻坚", "articles", items), Section("信息摘登", "briefs", briefs)],
        distribution=["市人大常委会领导，各区、县（市）人大常委会"],
        editor_name="杨青青",
        editor_phone="85251234",
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--articles", type=int, default=8)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from printing.render import render_pdf
    from service.worker import rss_mb

    times, after_5 = [], None
    for n in range(1, args.renders + 1):
        started = time.perf_counter()
        render_pdf(draft(args.articles, n))
        times.append(time.perf_counter() - started)
        if n == 5:
            after_5 = rss_mb()
    after_last = rss_mb()
    result = {
        "renders": args.renders,
        "rss_after_5_mb": round(after_5, 1),
        f"rss_after_{args.renders}_mb": round(after_last, 1),
        "growth_pct": round(100 * (after_last - after_5) / after_5, 1),
        "render_median_ms": round(1000 * statistics.median(times)),
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
