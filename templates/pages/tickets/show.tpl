{{%AUTOESCAPE context="HTML"}}
{{! The listing page. Fill ID, EVENT_ID, EVENT_NAME, STARTS, STARTS_ISO, }}
{{! SECTION, ROW, PRICE, CURRENCY, STATE; show HAS_VENUE (VENUE, CITY, }}
{{! TIMEZONE), HAS_SEAT (SEAT), HAS_NOTE (a PARAGRAPH with TEXT per line), }}
{{! HIDDEN (HIDDEN_REASON); at most one of WITHDRAWN, CANCELLED, STARTED; }}
{{! AVAILABLE (AVAILABLE) or OFFERED_ONLY (QUANTITY); BUY (BUY_MIN, BUY_MAX), }}
{{! SIGN_IN_TO_BUY or SOLD_OUT; SELLER (OFFERED, STOCK or STOCK_UNKNOWN, }}
{{! HELD_REMOVED, CAN_CHANGE: see mine.tpl for the counts); ADMIN, with the }}
{{! hide form's REASON, REASON_MAXLENGTH, REASON_REQUIRED, REASON_ERROR. }}
{{! Include CSRF. }}
<article>
<h1>Tickets for {{EVENT_NAME}}</h1>
{{#WITHDRAWN}}
<div class="alert" role="status">
<p>The seller has withdrawn these tickets: they are no longer on sale.</p>
</div>
{{/WITHDRAWN}}
{{#CANCELLED}}
<div class="alert" role="status">
<p><strong>The event is cancelled.</strong> These tickets are no longer on sale.</p>
</div>
{{/CANCELLED}}
{{#STARTED}}
<div class="alert" role="status">
<p>The event has started: these tickets are no longer on sale.</p>
</div>
{{/STARTED}}
{{#HIDDEN}}
<div class="alert" role="status">
<p><strong>An administrator has hidden this listing.</strong> Only you can see it. The reason given: {{HIDDEN_REASON}}</p>
</div>
{{/HIDDEN}}
<dl class="details">
<dt>Event</dt>
<dd><a href="/events/{{EVENT_ID}}">{{EVENT_NAME}}</a></dd>
<dt>Starts</dt>
<dd><time datetime="{{STARTS_ISO}}">{{STARTS}}</time>{{#HAS_VENUE}} (local time, {{TIMEZONE}}){{/HAS_VENUE}}</dd>
{{#HAS_VENUE}}
<dt>Venue</dt>
<dd>{{VENUE}}, {{CITY}}</dd>
{{/HAS_VENUE}}
<dt>Section</dt>
<dd>{{SECTION}}</dd>
<dt>Row</dt>
<dd>{{ROW}}</dd>
{{#HAS_SEAT}}
<dt>Seats</dt>
<dd>{{SEAT}}</dd>
{{/HAS_SEAT}}
<dt>Price</dt>
<dd><span class="price">{{PRICE}}</span> per ticket ({{CURRENCY}})</dd>
{{#AVAILABLE}}
<dt>Available</dt>
<dd>{{AVAILABLE}} tickets</dd>
{{/AVAILABLE}}
{{#OFFERED_ONLY}}
<dt>Offered</dt>
<dd>{{QUANTITY}} tickets</dd>
{{/OFFERED_ONLY}}
<dt>State</dt>
<dd>{{STATE}}</dd>
</dl>
{{#HAS_NOTE}}
<h2>Note from the seller</h2>
{{#PARAGRAPH}}
<p>{{TEXT}}</p>
{{/PARAGRAPH}}
{{/HAS_NOTE}}
{{#BUY}}
<h2>Buy</h2>
<form class="form" method="post" action="/orders">
{{>CSRF}}
<input type="hidden" name="ticket_id" value="{{ID}}">
<input type="hidden" name="idempotency_key" value="{{BUY_KEY}}">
<div class="field">
<label for="buy-quantity">Number of tickets</label>
<input type="number" id="buy-quantity" name="quantity" value="1" required min="{{BUY_MIN}}" max="{{BUY_MAX}}">
</div>
<div class="actions">
<button type="submit">Reserve</button>
</div>
</form>
{{/BUY}}
{{#SIGN_IN_TO_BUY}}
<p><a href="/auth/signin?next=/tickets/{{ID}}">Sign in to buy these tickets</a></p>
{{/SIGN_IN_TO_BUY}}
{{#SOLD_OUT}}
<p>Sold out: every ticket of this listing is reserved or sold.</p>
{{/SOLD_OUT}}
{{#SELLER}}
<h2>Your listing</h2>
<dl class="details">
<dt>You offer</dt>
<dd>{{OFFERED}} tickets</dd>
{{#STOCK}}
<dt>Available</dt>
<dd>{{AVAILABLE}}</dd>
<dt>Reserved</dt>
<dd>{{RESERVED}}</dd>
<dt>Sold</dt>
<dd>{{SOLD}}</dd>
<dt>Earnings</dt>
<dd>{{EARNINGS}}</dd>
{{/STOCK}}
</dl>
{{#STOCK_UNKNOWN}}
<p class="hint">Reservations and sales show here once the orders service has taken in this listing.</p>
{{/STOCK_UNKNOWN}}
{{#HELD_REMOVED}}
<p>{{HELD}} tickets you removed are still held by reservations: they go when those orders end.</p>
{{/HELD_REMOVED}}
{{#CAN_CHANGE}}
<p><a href="/tickets/{{ID}}/edit">Change price or quantity</a></p>
<form class="form" method="post" action="/tickets/{{ID}}/withdraw">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Withdraw these tickets</button>
</div>
</form>
{{/CAN_CHANGE}}
{{/SELLER}}
{{#ADMIN}}
<h2>Administration</h2>
<form class="form" method="post" action="/tickets/{{ID}}/hide">
{{>CSRF}}
<div class="field{{#REASON_ERROR}} field-invalid{{/REASON_ERROR}}">
<label for="reason">Reason for hiding (the seller sees it)</label>
{{#REASON_ERROR}}
<p class="field-error" id="reason-error">{{MESSAGE}}</p>
{{/REASON_ERROR}}
<input type="text" id="reason" name="reason" value="{{REASON}}"{{#REASON_REQUIRED}} required{{/REASON_REQUIRED}} maxlength="{{REASON_MAXLENGTH}}"{{#REASON_ERROR}} aria-invalid="true" aria-describedby="reason-error"{{/REASON_ERROR}}>
</div>
<div class="actions">
<button type="submit" class="button-danger">Hide this listing</button>
</div>
</form>
{{/ADMIN}}
</article>
