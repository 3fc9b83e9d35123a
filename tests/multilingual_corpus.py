"""Real-shaped notes in the languages pkm's executives write in, and the
queries each must find (issue 16, "Every language they write in").

Each note is what a busy executive writes: a meeting, a trip, a decision,
with names of places and people, accents and all. Each query is one a user
types to find that note again, without accents, in another inflection, with
the ``İ`` of a Turkish keyboard, full-width from a Japanese input method, or
a word inside a run of CJK characters. ``tests/test_search_languages.py``
counts how many find their note.

Two notes are stored in unusual forms on purpose: ``fr-nfd`` decomposed (NFD,
as macOS file names and some clipboards hand text over) and ``en-typo`` with
typographic ligatures and full-width letters (as PDFs and Japanese input give
them).
"""

from __future__ import annotations

import unicodedata

#: key -> (title, body)
NOTES: dict[str, tuple[str, str]] = {
    "fr-reunion": (
        "Réunion d'équipe à Genève",
        "Nous avons fait le point avec l'équipe de direction sur la stratégie "
        "commerciale pour 2027. Les réunions trimestrielles seront déplacées à "
        "Genève. Décision : Hélène pilotera la négociation avec les fournisseurs "
        "et présentera le budget prévisionnel au conseil d'administration.",
    ),
    "de-fuhrung": (
        "Führungskreis in der Straße der Einheit",
        "Heute haben wir im Führungskreis über die Nachfolgeplanung gesprochen. "
        "Die Geschäftsführerin möchte, dass jede Abteilung bis März zwei "
        "Kandidaten benennt. Das Büro in der Königstraße wird geschlossen; die "
        "Mitarbeiter ziehen nach München um. Vertrauen ist die Grundlage guter "
        "Führung.",
    ),
    "de-kunden": (
        "Kundengespräche in Zürich",
        "Drei Gespräche mit Großkunden: Sie wünschen sich schnellere "
        "Lieferzeiten und bessere Preise. Unsere Verträge laufen Ende Juni aus. "
        "Wir sollten die Verhandlungen früh beginnen und die Kündigungsfristen "
        "prüfen.",
    ),
    "es-malaga": (
        "Viaje a Málaga",
        "Reunión con el equipo comercial de Andalucía. Hablamos de la expansión "
        "hacia Portugal y de la contratación de dos directores regionales. Las "
        "reuniones con los distribuidores fueron muy productivas; el año que "
        "viene abriremos una oficina en Sevilla. Tenemos que mejorar la "
        "comunicación entre los equipos.",
    ),
    "es-estrategia": (
        "Estrategia de innovación",
        "La junta directiva aprobó el presupuesto de innovación. Queremos "
        "lanzar tres productos digitales antes de diciembre y medir la "
        "satisfacción de los clientes cada trimestre. La señora Muñoz "
        "coordinará el programa de formación.",
    ),
    "tr-istanbul": (
        "İstanbul ofisi görüşmesi",
        "İstanbul'daki ekiple şirketin büyüme planını konuştuk. Müşteri "
        "memnuniyeti geçen yıla göre arttı. Yeni çalışanların işe alım süreci "
        "hızlandırılmalı. Ayşe Hanım, Ankara şubesinin açılışını Şubat ayında "
        "yapmayı önerdi.",
    ),
    "tr-izmir": (
        "İzmir'de yönetim kurulu toplantısı",
        "Yönetim kurulu yatırım bütçesini onayladı. Dijital dönüşüm projesi "
        "için danışmanlık şirketiyle sözleşme imzalanacak. Öncelik: müşteri "
        "deneyimi ve güvenlik.",
    ),
    "ru-doverie": (
        "Доверие в команде",
        "Сегодня обсуждали с руководителями отделов, почему падает доверие "
        "между командами. Главная проблема в том, что решения принимаются без "
        "обсуждения. Предложение: еженедельные встречи и открытый бюджет. "
        "Переговоры с поставщиками в Новосибирске перенесли на апрель.",
    ),
    "ru-strategiya": (
        "Стратегия развития на 2027 год",
        "Совет директоров утвердил стратегию развития. Основные направления: "
        "цифровизация, снижение издержек и обучение сотрудников. Ёлкина "
        "отвечает за запуск новых продуктов в Казани.",
    ),
    "ja-kaigi": (
        "知識共有の会議",
        "本日は営業部と開発部の合同会議を行いました。顧客満足度の向上と"
        "知識共有の仕組みについて議論しました。来月から週一回の勉強会を開催し、"
        "新製品の価格戦略を決定する予定です。",
    ),
    "ja-shucchou": (
        "大阪出張の報告",
        "大阪の取引先を訪問しました。契約更新について前向きな回答をいただきました。"
        "物流コストの削減が課題です。",
    ),
    "zh-zhanlue": (
        "董事会战略讨论",
        "今天董事会讨论了明年的发展战略。我们决定加大人工智能研发投入，"
        "并在上海设立新的研发中心。知识管理系统需要升级，客户满意度调查下个月开始。",
    ),
    "zh-rencai": (
        "人才招聘计划",
        "人力资源部提交了招聘计划：今年需要招聘五十名工程师。领导力培训项目将在北京举行。",
    ),
    "ko-hoeui": (
        "경영진 회의록",
        "오늘 경영진 회의에서 내년 사업 계획을 논의했습니다. 신규 고객 확보와 "
        "디지털 전환이 가장 중요한 과제입니다. 서울 본사의 회의실을 새로 꾸미기로 "
        "했습니다. 다음 회의는 부산에서 열립니다.",
    ),
    "ko-chaeyong": (
        "채용 전략",
        "개발자 채용이 늦어지고 있습니다. 연봉 경쟁력을 높이고 면접 절차를 "
        "간소화해야 합니다. 인사팀과 협력하여 다음 분기까지 해결하겠습니다.",
    ),
    "en-typo": (
        "Ｑ３ ﬁnance review",
        "The oﬃce budget and the ﬁnancial plan were approved. Ｃｏｍｐｌｉａｎｃｅ "
        "training starts in the ﬂagship store next week.",
    ),
}
NOTES["fr-nfd"] = (
    unicodedata.normalize("NFD", "Séminaire de créativité à Besançon"),
    unicodedata.normalize(
        "NFD",
        "Atelier de créativité avec les équipes marketing. Idées retenues : une "
        "offre dédiée aux collectivités, et un événement à Besançon en "
        "septembre. Élodie prépare le compte rendu pour le comité exécutif.",
    ),
)

#: (query, key of the note it must find). Grouped by what they test.
QUERIES: list[tuple[str, str]] = [
    # French: accents folded, both ways; inflections
    ("reunion", "fr-reunion"),
    ("geneve", "fr-reunion"),
    ("equipe", "fr-reunion"),
    ("Genève", "fr-reunion"),
    ("strategie commerciale", "fr-reunion"),
    ("négociations", "fr-reunion"),
    ("fournisseur", "fr-reunion"),
    ("budget previsionnel", "fr-reunion"),
    ("helene", "fr-reunion"),
    ("trimestrielle", "fr-reunion"),
    # French stored decomposed (NFD), queries typed composed, and folded
    ("séminaire", "fr-nfd"),
    ("creativite", "fr-nfd"),
    ("Besançon", "fr-nfd"),
    ("besancon", "fr-nfd"),
    ("elodie", "fr-nfd"),
    ("événement", "fr-nfd"),
    ("collectivite", "fr-nfd"),
    # a query typed decomposed finds composed text
    (unicodedata.normalize("NFD", "décision"), "fr-reunion"),
    # German: umlauts, ß, inflections
    ("fuhrung", "de-fuhrung"),
    ("Führung", "de-fuhrung"),
    ("strasse", "de-fuhrung"),
    ("Straße der Einheit", "de-fuhrung"),
    ("konigstrasse", "de-fuhrung"),
    ("munchen", "de-fuhrung"),
    ("geschaftsfuhrerin", "de-fuhrung"),
    ("Kandidat", "de-fuhrung"),
    ("zurich", "de-kunden"),
    ("grosskunden", "de-kunden"),
    ("Vertrag", "de-kunden"),
    ("kundigungsfristen", "de-kunden"),
    ("Verhandlung", "de-kunden"),
    # Spanish: accents, ñ, plurals
    ("malaga", "es-malaga"),
    ("reunion equipo", "es-malaga"),
    ("andalucia", "es-malaga"),
    ("distribuidor", "es-malaga"),
    ("director regional", "es-malaga"),
    ("comunicacion", "es-malaga"),
    ("innovacion", "es-estrategia"),
    ("munoz", "es-estrategia"),
    ("producto digital", "es-estrategia"),
    ("formacion", "es-estrategia"),
    # Turkish: dotted İ, dotless ı, ş ğ ü ö ç
    ("istanbul", "tr-istanbul"),
    ("İstanbul", "tr-istanbul"),
    ("ISTANBUL", "tr-istanbul"),
    ("gorusmesi", "tr-istanbul"),
    ("sirketin", "tr-istanbul"),
    ("musteri memnuniyeti", "tr-istanbul"),
    ("ayse", "tr-istanbul"),
    ("izmir", "tr-izmir"),
    ("yonetim kurulu", "tr-izmir"),
    ("butcesini", "tr-izmir"),
    ("guvenlik", "tr-izmir"),
    # Russian: inflections (the Snowball stemmer), ё typed as е
    ("доверия", "ru-doverie"),
    ("доверие", "ru-doverie"),
    ("команды", "ru-doverie"),
    ("руководитель", "ru-doverie"),
    ("переговоров", "ru-doverie"),
    ("Новосибирск", "ru-doverie"),
    ("стратегии", "ru-strategiya"),
    ("сотрудник", "ru-strategiya"),
    ("елкина", "ru-strategiya"),
    ("Казань", "ru-strategiya"),
    # Japanese: words inside runs without spaces
    ("会議", "ja-kaigi"),
    ("知識", "ja-kaigi"),
    ("知識共有", "ja-kaigi"),
    ("顧客満足度", "ja-kaigi"),
    ("勉強会", "ja-kaigi"),
    ("価格戦略", "ja-kaigi"),
    ("契約更新", "ja-shucchou"),
    ("物流", "ja-shucchou"),
    # Chinese
    ("战略", "zh-zhanlue"),
    ("人工智能", "zh-zhanlue"),
    ("上海", "zh-zhanlue"),
    ("知识管理", "zh-zhanlue"),
    ("招聘", "zh-rencai"),
    ("领导力", "zh-rencai"),
    ("工程师", "zh-rencai"),
    # Korean: words with particles attached
    ("회의", "ko-hoeui"),
    ("사업 계획", "ko-hoeui"),
    ("고객", "ko-hoeui"),
    ("부산", "ko-hoeui"),
    ("채용", "ko-chaeyong"),
    ("면접", "ko-chaeyong"),
    ("인사팀", "ko-chaeyong"),
    # ligatures and full-width letters, in the note and in the query
    ("finance", "en-typo"),
    ("office budget", "en-typo"),
    ("financial plan", "en-typo"),
    ("compliance", "en-typo"),
    ("flagship", "en-typo"),
    ("q3", "en-typo"),
    ("ｆｉｎａｎｃｅ", "en-typo"),
    ("ﬁnance", "en-typo"),
]
