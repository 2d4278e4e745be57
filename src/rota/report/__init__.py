"""Reports and exports of a roster folder: HTML, Excel workbook, personal calendars."""
