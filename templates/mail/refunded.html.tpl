{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Your payment for {{EVENT}} was refunded</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p><strong>{{AMOUNT}}</strong> was refunded to the card you paid with.
{{#EVENT_CANCELLED}}Why: the event was cancelled.{{/EVENT_CANCELLED}}{{#ADMIN}}Why: the platform refunded your order.{{/ADMIN}}
Your e-tickets for it are no longer valid.</p>
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding-right: 1em;">Event</th><td>{{EVENT}}</td></tr>
{{#WHEN}}<tr><th style="text-align: left; padding-right: 1em;">Starts</th><td>{{STARTS}}</td></tr>{{/WHEN}}
<tr><th style="text-align: left; padding-right: 1em;">Venue</th><td>{{VENUE}}, {{CITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Seats</th><td>{{ITEM}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Quantity</th><td>{{QUANTITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Refunded</th><td>{{AMOUNT}}</td></tr>
</table>
<p><a href="{{ORDER_LINK}}">Your order</a></p>
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
