{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>You sold tickets for {{EVENT}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>a buyer paid for your tickets.</p>
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding-right: 1em;">Event</th><td>{{EVENT}}</td></tr>
{{#WHEN}}<tr><th style="text-align: left; padding-right: 1em;">Starts</th><td>{{STARTS}}</td></tr>{{/WHEN}}
<tr><th style="text-align: left; padding-right: 1em;">Venue</th><td>{{VENUE}}, {{CITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Seats</th><td>{{ITEM}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Quantity</th><td>{{QUANTITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Amount paid</th><td>{{AMOUNT}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Platform fee{{#FEE_SHOWN}} ({{FEE_PERCENT}}%){{/FEE_SHOWN}}</th><td>{{FEE}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Your earnings</th><td><strong>{{EARNINGS}}</strong></td></tr>
</table>
<p><a href="{{MINE_LINK}}">Your listings and earnings</a></p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
