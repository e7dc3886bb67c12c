# A day with its weekday: "Monday, 2026-11-30"; with the time: "Monday, 2026-11-30 08:00".
WEEKDAY_DATE_FORMAT = "l, Y-m-d"
WEEKDAY_DATETIME_FORMAT = "l, Y-m-d H:i"
