{{%AUTOESCAPE context="HTML"}}
{{! The seller's listings. Show NONE, or LISTINGS with a LISTING per listing with ID, }}
{{! EVENT_ID, EVENT_NAME, STARTS, STARTS_ISO, SECTION, ROW, PRICE, STATE, }}
{{! OFFERED, and HAS_SEAT (SEAT), HIDDEN (HIDDEN_REASON), STOCK }}
{{! (AVAILABLE, RESERVED, SOLD, EARNINGS) or STOCK_UNKNOWN, HELD_REMOVED }}
{{! (HELD); in LISTINGS, TOTAL (TOTAL_EARNINGS, FEE with FEE_PERCENT); }}
{{! show MORE (MAX) when only the newest are listed. }}
<h1>My listings</h1>
{{#NONE}}
<p>You have no listings yet. To sell tickets, open an event from the <a href="/">list of upcoming events</a> and use “Sell tickets”.</p>
{{/NONE}}
{{#MORE}}
<p class="hint">Showing your {{MAX}} newest listings.</p>
{{/MORE}}
{{#LISTINGS}}
<ul class="cards">
{{#LISTING}}
<li>
<article class="card">
<h2><a href="/tickets/{{ID}}">{{EVENT_NAME}}</a></h2>
<p><time datetime="{{STARTS_ISO}}">{{STARTS}}</time> · Section {{SECTION}}, row {{ROW}}{{#HAS_SEAT}}, seats {{SEAT}}{{/HAS_SEAT}}</p>
<p><span class="price">{{PRICE}}</span> per ticket · {{STATE}}</p>
{{#HIDDEN}}
<p>Hidden by an administrator. The reason given: {{HIDDEN_REASON}}</p>
{{/HIDDEN}}
<p>You offer {{OFFERED}}{{#STOCK}} · available {{AVAILABLE}} · reserved {{RESERVED}} · sold {{SOLD}} · earnings {{EARNINGS}}{{/STOCK}}</p>
{{#STOCK_UNKNOWN}}
<p class="hint">Reservations and sales show once the orders service has taken in this listing.</p>
{{/STOCK_UNKNOWN}}
{{#HELD_REMOVED}}
<p>{{HELD}} tickets you removed are still held by reservations.</p>
{{/HELD_REMOVED}}
</article>
</li>
{{/LISTING}}
</ul>
{{#TOTAL}}
<p class="total">Total earnings: <strong>{{TOTAL_EARNINGS}}</strong>{{#FEE}} (after the platform’s fee of {{FEE_PERCENT}} % of each sale){{/FEE}}</p>
{{/TOTAL}}
{{/LISTINGS}}
