{{%AUTOESCAPE context="HTML"}}
{{! The door check of e-tickets. Fill CODE (the form's value); after a check }}
{{! that found the ticket show CHECKED with EVENT_NAME, STARTS, VENUE, }}
{{! SECTION, ROW, SEAT, HOLDER, ORDER_ID, UNIT, UNITS, CODE and either VALID }}
{{! (the Mark used form) or USED (USED_AT); or CODE_ERROR (MESSAGE) next to }}
{{! the field; include CSRF. }}
<h1>Check e-tickets</h1>
{{#CHECKED}}
<section class="verdict" aria-labelledby="verdict-title">
{{#VALID}}<h2 id="verdict-title" class="verdict-ok">Valid: let this person in</h2>{{/VALID}}
{{#USED}}<h2 id="verdict-title" class="verdict-refused">Refused: already used at {{USED_AT}} UTC</h2>{{/USED}}
<dl class="details">
<dt>Event</dt>
<dd>{{EVENT_NAME}}</dd>
<dt>Starts</dt>
<dd>{{STARTS}}</dd>
<dt>Venue</dt>
<dd>{{VENUE}}</dd>
<dt>Seat</dt>
<dd>Section {{SECTION}}, row {{ROW}}, seat {{SEAT}}</dd>
<dt>Holder</dt>
<dd>{{HOLDER}}</dd>
<dt>Order</dt>
<dd>{{ORDER_ID}}, ticket {{UNIT}} of {{UNITS}}</dd>
</dl>
{{#VALID}}
<form class="form" method="post" action="/tickets/verify/use">
{{>CSRF}}
<input type="hidden" name="code" value="{{CODE}}">
<div class="actions">
<button type="submit">Mark used</button>
</div>
</form>
{{/VALID}}
</section>
{{/CHECKED}}
<form class="form" method="post" action="/tickets/verify">
{{>CSRF}}
{{>FORM_ERRORS}}
<div class="field{{#CODE_ERROR}} field-invalid{{/CODE_ERROR}}">
<label for="code">E-ticket code</label>
<p class="hint" id="code-hint">Paste the code printed under the QR code, or type it exactly: letters are case-sensitive.</p>
{{#CODE_ERROR}}<p class="field-error" id="code-error">{{MESSAGE}}</p>{{/CODE_ERROR}}
<textarea id="code" name="code" rows="4" required autocomplete="off" spellcheck="false" aria-describedby="code-hint{{#CODE_ERROR}} code-error{{/CODE_ERROR}}"{{#CODE_ERROR}} aria-invalid="true"{{/CODE_ERROR}}>{{CODE:pre_escape}}</textarea>
</div>
<div class="actions">
<button type="submit">Check</button>
</div>
</form>
