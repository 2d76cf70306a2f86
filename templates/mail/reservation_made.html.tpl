{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Your reservation for {{EVENT}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>your tickets are reserved. Pay before <strong>{{EXPIRES_AT}}</strong>, or the reservation runs out and the tickets go back on sale.</p>
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding-right: 1em;">Event</th><td>{{EVENT}}</td></tr>
{{#WHEN}}<tr><th style="text-align: left; padding-right: 1em;">Starts</th><td>{{STARTS}}</td></tr>{{/WHEN}}
<tr><th style="text-align: left; padding-right: 1em;">Venue</th><td>{{VENUE}}, {{CITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Seats</th><td>{{ITEM}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Quantity</th><td>{{QUANTITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Total</th><td>{{AMOUNT}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Pay before</th><td>{{EXPIRES_AT}}</td></tr>
</table>
<p><a href="{{ORDER_LINK}}">Your order, where you pay</a></p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
