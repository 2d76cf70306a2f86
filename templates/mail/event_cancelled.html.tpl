{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{EVENT}} is cancelled</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>the organizer cancelled {{EVENT}}.</p>
{{#NOT_CHARGED}}<p><strong>Your reservation is cancelled: you were not charged</strong>, and nothing will be.</p>{{/NOT_CHARGED}}
{{#CHARGED}}<p><strong>Your money comes back</strong>: {{AMOUNT}} is being refunded to the card you paid with; another mail says when it is done.</p>{{/CHARGED}}
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding-right: 1em;">Event</th><td>{{EVENT}}</td></tr>
{{#WHEN}}<tr><th style="text-align: left; padding-right: 1em;">Starts</th><td>{{STARTS}}</td></tr>{{/WHEN}}
<tr><th style="text-align: left; padding-right: 1em;">Venue</th><td>{{VENUE}}, {{CITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Seats</th><td>{{ITEM}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Quantity</th><td>{{QUANTITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Amount</th><td>{{AMOUNT}}</td></tr>
</table>
<p><a href="{{ORDER_LINK}}">Your order</a></p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
