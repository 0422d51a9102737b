"""R-C2: the unified social credit code and its GB 32100-2015 check character."""

import pytest

from members.rules import (
    USCC_CHARS,
    normalise_registration_number,
    registration_number_problem,
    uscc_check_character,
)
from tests.members.factories import VALID_NUMBERS


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_published_codes_are_valid(number):
    assert registration_number_problem(number) is None


def test_weights_follow_the_standard():
    from members.rules import USCC_WEIGHTS

    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARS) == 31 and not set("IOZSV") & set(USCC_CHARS)


def test_check_character_zero_when_the_sum_is_a_multiple_of_31():
    # 17 zeros sum to 0: 31 − 0 = 31, which the standard writes as 0.
    assert uscc_check_character("0" * 17) == "0"
    assert registration_number_problem("00" + "000000" + "0" * 9 + "0") is None


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_every_other_check_character_is_refused(number):
    for c in USCC_CHARS:
        if c != number[-1]:
            problem = registration_number_problem(number[:-1] + c)
            assert problem is not None and "校验位" in problem


def test_one_changed_digit_is_caught():
    number = VALID_NUMBERS[0]
    changed = number[:10] + ("1" if number[10] != "1" else "2") + number[11:]
    assert "校验位" in registration_number_problem(changed)


@pytest.mark.parametrize("number", [VALID_NUMBERS[0][:17], VALID_NUMBERS[0] + "1", "", "9133"])
def test_wrong_length(number):
    problem = registration_number_problem(number)
    assert problem is not None and "18 位" in problem


def test_lowercase_is_refused_strictly_and_accepted_once_normalised():
    lower = VALID_NUMBERS[1].lower()  # 9144030071526726xg
    assert "大写" in registration_number_problem(lower)
    assert normalise_registration_number(lower) == VALID_NUMBERS[1]
    assert (
        registration_number_problem(normalise_registration_number(f" {lower[:6]} {lower[6:]} "))
        is None
    )


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_code_alphabet_are_named(bad):
    number = VALID_NUMBERS[0][:9] + bad + VALID_NUMBERS[0][10:]
    problem = registration_number_problem(number)
    assert problem is not None and bad in problem and "无效字符" in problem


def test_division_code_must_be_digits():
    first17 = "91A30100716105852"
    number = first17 + uscc_check_character(first17)
    assert "行政区划" in registration_number_problem(number)
