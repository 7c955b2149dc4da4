"""One way to write a moment on every page, in both languages: "1 december 2026" and "13:45"
(settings.FORMAT_MODULE_PATH). Input formats stay Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
