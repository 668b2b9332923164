"""SEC-19: the run-wide log scanner (tests/conftest.py) really catches a leak."""

import logging

from tests.conftest import _LogScanner


def test_the_scanner_flags_a_citizen_id_a_session_id_and_a_password():
    scanner = _LogScanner()
    logger = logging.getLogger("dangvu.test.scanner")
    logger.addHandler(scanner)
    logger.propagate = False  # keep these deliberate leaks out of the run-wide scanner
    try:
        logger.warning("tra cứu 079090001234")
        logger.warning("cookie sessionid=abc")
        logger.warning("login password=hunter2")
        logger.warning("đảng viên số thẻ 93123456 vào ngày 01/02/2020")
    finally:
        logger.removeHandler(scanner)
        logger.propagate = True
    assert scanner.lines == 4 and len(scanner.leaks) == 3
