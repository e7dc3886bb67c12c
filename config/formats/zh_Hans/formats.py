# A day with its weekday, the weekday after the date as Chinese writes it (no ASCII comma): "2026-11-30 星期一";
# with the time: "2026-11-30 星期一 08:00". The site writes dates as Y-m-d in both languages.
WEEKDAY_DATE_FORMAT = "Y-m-d l"
WEEKDAY_DATETIME_FORMAT = "Y-m-d l H:i"
