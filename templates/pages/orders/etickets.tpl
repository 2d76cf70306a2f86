{{%AUTOESCAPE context="HTML"}}
{{! The e-tickets of an order, included in pages/orders/show.tpl: VALID with }}
{{! UNITS and an ETICKET per unit (UNIT, UNITS, QR_SVG: an SVG of numbers only, }}
{{! from lib/qrsvg.c; CODE, EVENT_NAME, STARTS, TIMEZONE, VENUE, CITY, ITEM, }}
{{! HOLDER), or REVOKED for a refunded order. }}
{{#VALID}}
<section class="etickets" aria-labelledby="etickets-title">
<h2 id="etickets-title">Your e-tickets</h2>
<p>Show one code per person at the door, on this screen or printed. Each code lets one person in, once.</p>
{{#ETICKET}}
<article class="eticket">
<h3>Ticket {{UNIT}} of {{UNITS}}</h3>
<div class="eticket-qr">{{QR_SVG:none}}</div>
<dl class="details">
<dt>Event</dt>
<dd>{{EVENT_NAME}}</dd>
<dt>Starts</dt>
<dd>{{STARTS}} ({{TIMEZONE}})</dd>
<dt>Venue</dt>
<dd>{{VENUE}}, {{CITY}}</dd>
<dt>Seat</dt>
<dd>{{ITEM}}</dd>
<dt>Holder</dt>
<dd>{{HOLDER}}</dd>
<dt>Code</dt>
<dd><code class="eticket-code">{{CODE}}</code></dd>
</dl>
</article>
{{/ETICKET}}
</section>
{{/VALID}}
{{#REVOKED}}
<section class="etickets" aria-labelledby="etickets-title">
<h2 id="etickets-title">E-tickets revoked</h2>
<p>This order was refunded: its e-tickets were revoked and are refused at the door.</p>
</section>
{{/REVOKED}}
