"""What the reports app runs in the background by itself: the daily report, mailed every morning."""
from datetime import time, timedelta

from common.periodic import register_periodic
from reports.tasks import send_daily_report

# at 07:00 platform time, the day before's report; a morning the workers were down is caught up once they return,
# and DailyReportMailing makes sure a day never goes out twice
register_periodic("reports.daily_report", send_daily_report, daily_at=time(7, 0),
                  args=lambda due: ((due.date() - timedelta(days=1)).isoformat(),))
