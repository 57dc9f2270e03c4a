"""A copy of the bundled content pack with `ar` added and a few texts in Arabic, for the
right-to-left tests until the bundled pack has its Arabic translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ARABIC_LAYOUT = REPO / "tests" / "packs" / "arabic-layout"

TITLE = "أطفال مقتلعون"
SUBTITLE = "ما يمكن أن تفعله الحكومات المحلية"
PROTECT_TITLE = "حماية الأطفال المتنقلين من العنف والإساءة والاستغلال"
PROTECT_SUMMARY = ("كثيرًا ما تتولى المدن الاستقبال والرعاية والخدمات الأولى، ما يضعها في موقع "
                   "قوي لحماية الأطفال المتنقلين من العنف والإساءة والاستغلال والاتجار بالبشر.")
INTRO = ("يُحسم على المستوى المحلي ما إذا كانت ملايين قصص الهجرة ستنتهي بالنجاح أو بالفشل. "
         "ففي المدارس وحدائق الأحياء يلتقي القادمون الجدد والسكان القدامى أول مرة، "
         "ويتعارفون، وقد يكبرون معًا مع الوقت في مجتمعات متنوعة ومزدهرة. وقد لا يحدث ذلك.")


def arabic_pack(dest: Path) -> Path:
    pack = dest / "content"
    shutil.copytree(REPO / "content", pack)
    head = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    if "ar" not in head["languages"]:
        head["languages"].append("ar")
    head["title"]["ar"] = TITLE
    head["subtitle"]["ar"] = SUBTITLE
    head["intro"][0]["ar"] = INTRO
    (pack / "pack.yaml").write_text(yaml.safe_dump(head, allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    pri = yaml.safe_load((pack / "priorities.yaml").read_text(encoding="utf-8"))
    first = pri["priorities"][0]
    first["title"]["ar"] = PROTECT_TITLE
    first["summary"]["ar"] = PROTECT_SUMMARY
    (pack / "priorities.yaml").write_text(yaml.safe_dump(pri, allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
    return pack
