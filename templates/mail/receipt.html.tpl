{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Your tickets for {{EVENT}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">
<p>Hello {{NAME}},</p>
<p>thank you: your payment of <strong>{{AMOUNT}}</strong> is complete. Your e-tickets are below, one per ticket: show the QR code at the door.</p>
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding-right: 1em;">Event</th><td>{{EVENT}}</td></tr>
{{#WHEN}}<tr><th style="text-align: left; padding-right: 1em;">Starts</th><td>{{STARTS}}</td></tr>{{/WHEN}}
<tr><th style="text-align: left; padding-right: 1em;">Venue</th><td>{{VENUE}}, {{CITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Seats</th><td>{{ITEM}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Quantity</th><td>{{QUANTITY}}</td></tr>
<tr><th style="text-align: left; padding-right: 1em;">Paid</th><td>{{AMOUNT}}</td></tr>
</table>
<p><a href="{{ORDER_LINK}}">Your order and its e-tickets</a></p>
{{#ETICKET}}
<div style="border: 1px solid #999999; border-radius: 6px; padding: 1em; margin: 1em 0;">
<p style="margin-top: 0;"><strong>E-ticket {{UNIT}} of {{UNITS}}</strong></p>
<p><img src="cid:{{CID}}" alt="QR code of e-ticket {{UNIT}}" width="260" height="260" style="display: block;"></p>
<p>{{EVENT}}{{#WHEN}}<br>{{STARTS}}{{/WHEN}}<br>{{VENUE}}, {{CITY}}<br>{{ITEM}}<br>Holder: {{NAME}}</p>
<p style="font-family: monospace; font-size: 11px; word-break: break-all;">{{CODE}}</p>
</div>
{{/ETICKET}}
<p style="color: #555555;">Ticketing &middot; <a href="{{BASE_URL}}/">{{BASE_URL}}</a></p>
</body>
</html>
