{{%AUTOESCAPE context="HTML"}}
{{! The listing form (new and edit). Fill HEADING, ACTION, BACK_URL, SUBMIT, }}
{{! CURRENCY, EVENT_ID, EVENT_NAME, STARTS, STARTS_ISO; show HAS_VENUE }}
{{! (VENUE, CITY, TIMEZONE); show NEW_FIELDS for a new listing, }}
{{! VERSION_FIELD (VERSION) and HELD (RESERVED, SOLD) for an edit; include }}
{{! CSRF and FORM_ERRORS. fields_show (lib/fields.h) fills the kept values }}
{{! SECTION, ROW, SEAT, QUANTITY, PRICE, NOTE, each field's REQUIRED section }}
{{! and limits, and at most one CONFLICT_ERROR and <FIELD>_ERROR each with }}
{{! MESSAGE. }}
<h1>{{HEADING}}</h1>
<p>For <a href="/events/{{EVENT_ID}}">{{EVENT_NAME}}</a>, <time datetime="{{STARTS_ISO}}">{{STARTS}}</time>{{#HAS_VENUE}} at {{VENUE}}, {{CITY}} (local time, {{TIMEZONE}}){{/HAS_VENUE}}.</p>
{{>FORM_ERRORS}}
{{#CONFLICT_ERROR}}
<div class="alert" role="alert">
<p>{{MESSAGE}}</p>
</div>
{{/CONFLICT_ERROR}}
{{#HELD}}
<p class="hint">{{RESERVED}} of your tickets are reserved and {{SOLD}} sold. A lower quantity removes free tickets only: reserved ones stay until their orders end.</p>
{{/HELD}}
<form class="form" method="post" action="{{ACTION}}">
{{>CSRF}}
{{#VERSION_FIELD}}
<input type="hidden" name="version" value="{{VERSION}}">
{{/VERSION_FIELD}}
{{#NEW_FIELDS}}
<div class="field{{#SECTION_ERROR}} field-invalid{{/SECTION_ERROR}}">
<label for="section">Section</label>
{{#SECTION_ERROR}}
<p class="field-error" id="section-error">{{MESSAGE}}</p>
{{/SECTION_ERROR}}
<input type="text" id="section" name="section" value="{{SECTION}}"{{#SECTION_REQUIRED}} required{{/SECTION_REQUIRED}} maxlength="{{SECTION_MAXLENGTH}}"{{#SECTION_ERROR}} aria-invalid="true" aria-describedby="section-error"{{/SECTION_ERROR}}>
</div>
<div class="field{{#ROW_ERROR}} field-invalid{{/ROW_ERROR}}">
<label for="row">Row</label>
{{#ROW_ERROR}}
<p class="field-error" id="row-error">{{MESSAGE}}</p>
{{/ROW_ERROR}}
<input type="text" id="row" name="row" value="{{ROW}}"{{#ROW_REQUIRED}} required{{/ROW_REQUIRED}} maxlength="{{ROW_MAXLENGTH}}"{{#ROW_ERROR}} aria-invalid="true" aria-describedby="row-error"{{/ROW_ERROR}}>
</div>
<div class="field{{#SEAT_ERROR}} field-invalid{{/SEAT_ERROR}}">
<label for="seat">Seats</label>
<p class="hint" id="seat-hint">Optional, as printed on the tickets, like 12–15</p>
{{#SEAT_ERROR}}
<p class="field-error" id="seat-error">{{MESSAGE}}</p>
{{/SEAT_ERROR}}
<input type="text" id="seat" name="seat" value="{{SEAT}}" maxlength="{{SEAT_MAXLENGTH}}" aria-describedby="seat-hint{{#SEAT_ERROR}} seat-error{{/SEAT_ERROR}}"{{#SEAT_ERROR}} aria-invalid="true"{{/SEAT_ERROR}}>
</div>
{{/NEW_FIELDS}}
<div class="field{{#QUANTITY_ERROR}} field-invalid{{/QUANTITY_ERROR}}">
<label for="quantity">Number of tickets</label>
<p class="hint" id="quantity-hint">From {{QUANTITY_MIN}} to {{QUANTITY_MAX}}</p>
{{#QUANTITY_ERROR}}
<p class="field-error" id="quantity-error">{{MESSAGE}}</p>
{{/QUANTITY_ERROR}}
<input type="number" id="quantity" name="quantity" value="{{QUANTITY}}"{{#QUANTITY_REQUIRED}} required{{/QUANTITY_REQUIRED}} min="{{QUANTITY_MIN}}" max="{{QUANTITY_MAX}}" aria-describedby="quantity-hint{{#QUANTITY_ERROR}} quantity-error{{/QUANTITY_ERROR}}"{{#QUANTITY_ERROR}} aria-invalid="true"{{/QUANTITY_ERROR}}>
</div>
<div class="field{{#PRICE_ERROR}} field-invalid{{/PRICE_ERROR}}">
<label for="price">Price of one ticket ({{CURRENCY}})</label>
<p class="hint" id="price-hint">Like 25 or 25.50</p>
{{#PRICE_ERROR}}
<p class="field-error" id="price-error">{{MESSAGE}}</p>
{{/PRICE_ERROR}}
<input type="text" inputmode="decimal" id="price" name="price" value="{{PRICE}}"{{#PRICE_REQUIRED}} required{{/PRICE_REQUIRED}} maxlength="{{PRICE_MAXLENGTH}}" aria-describedby="price-hint{{#PRICE_ERROR}} price-error{{/PRICE_ERROR}}"{{#PRICE_ERROR}} aria-invalid="true"{{/PRICE_ERROR}}>
</div>
{{#NEW_FIELDS}}
<div class="field{{#NOTE_ERROR}} field-invalid{{/NOTE_ERROR}}">
<label for="note">Note to buyers</label>
<p class="hint" id="note-hint">Optional, up to {{NOTE_MAXLENGTH}} characters</p>
{{#NOTE_ERROR}}
<p class="field-error" id="note-error">{{MESSAGE}}</p>
{{/NOTE_ERROR}}
<textarea id="note" name="note" rows="4" maxlength="{{NOTE_MAXLENGTH}}" aria-describedby="note-hint{{#NOTE_ERROR}} note-error{{/NOTE_ERROR}}"{{#NOTE_ERROR}} aria-invalid="true"{{/NOTE_ERROR}}>{{NOTE:pre_escape}}</textarea>
</div>
{{/NEW_FIELDS}}
<div class="actions">
<button type="submit">{{SUBMIT}}</button>
<a href="{{BACK_URL}}">Back</a>
</div>
</form>
