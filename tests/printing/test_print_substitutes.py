"""The substitutes text.symbols gives for bullets and check marks the print lacks are all
in the print fonts (printing.checks.missing_glyphs, the save's own test), each stands in
for a character that is not, and a substituted body is accepted by the save."""

from printing.checks import missing_glyphs
from text.symbols import PRINT_SUBSTITUTES, substitute_for_print


def test_every_substitute_is_in_the_print_fonts():
    assert missing_glyphs("".join(PRINT_SUBSTITUTES.values())) == []


def test_every_substituted_character_is_one_the_print_fonts_lack():
    assert missing_glyphs("".join(PRINT_SUBSTITUTES)) == list(PRINT_SUBSTITUTES)


def test_the_symbols_word_bullets_bring_print_after_substitution():
    # Wingdings Ø, Wingdings 2 R and P, Wingdings ü and þ, as the symbol table maps them.
    text, made = substitute_for_print("⮚☑🗸✓☒✔")
    assert missing_glyphs(text) == []
    assert made == ["⮚→▶", "☑→■", "🗸→✓", "✔→✓"]
