"""Word boundaries: where a line may break without splitting a word."""

from text import segment


def test_words_give_the_text_back():
    text = "淳安县：创新“四个一”工作机制助力重大项目攻坚"
    assert "".join(segment.words(text)) == text


def test_no_break_inside_a_word_or_a_short_quoted_phrase():
    text = "淳安县：创新“四个一”工作机制助力重大项目攻坚"
    starts = segment.word_starts(text)
    # 工|作 splits 工作; the offsets inside “四个一” split the campaign name.
    assert text.index("作机制") not in starts
    for offset in range(text.index("“") + 1, text.index("”") + 1):
        assert offset not in starts
    # Before the quote, after it and after the colon a break is fine.
    assert text.index("“") in starts
    assert text.index("工作") in starts
    assert text.index("创新") in starts


def test_office_terms_are_one_word():
    # The general dictionary alone cuts 上城区 as 上 / 城区.
    text = "上城区人大常委会聚焦代表联络站建设"
    assert segment.inside_word(text, 1)
    assert segment.inside_word(text, text.index("常委会"))
    assert not segment.inside_word(text, text.index("聚焦"))


def test_terms_added_at_run_time():
    name = "鹿鸣乡镇联络中心"
    text = f"{name}开展活动"
    segment.add_terms([name])
    assert segment.inside_word(text, 3)
    assert not segment.inside_word(text, len(name))


def test_ends_are_never_inside():
    assert not segment.inside_word("工作", 0)
    assert not segment.inside_word("工作", 2)
    assert segment.word_starts("") == frozenset()
