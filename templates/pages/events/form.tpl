{{%AUTOESCAPE context="HTML"}}
{{! The event form (new and edit). Fill HEADING, ACTION, BACK_URL, SUBMIT; }}
{{! show VERSION_FIELD with VERSION for edits; add a VENUE_OPTION with }}
{{! VENUE_ID, VENUE_LABEL (and SELECTED) per venue offered, or show }}
{{! NO_VENUES; show VENUE_FINDER (VENUE_Q, VENUE_Q_MAXLENGTH), MORE_VENUES }}
{{! (VENUE_CHOICES) and NO_VENUE_FOUND (VENUE_Q) as they apply; }}
{{! include CSRF and FORM_ERRORS. fields_show (lib/fields.h) fills the rest }}
{{! from the event form's table: the kept values NAME, DESCRIPTION, }}
{{! STARTS_AT, ENDS_AT; each field's REQUIRED section and MAXLENGTH; at most }}
{{! one CONFLICT_ERROR, NAME_ERROR, DESCRIPTION_ERROR, VENUE_ID_ERROR, }}
{{! STARTS_AT_ERROR, ENDS_AT_ERROR, each with MESSAGE. }}
<h1>{{HEADING}}</h1>
{{>FORM_ERRORS}}
{{#CONFLICT_ERROR}}
<div class="alert" role="alert">
<p>{{MESSAGE}}</p>
</div>
{{/CONFLICT_ERROR}}
{{#NO_VENUES}}
<p>There is no venue yet: <a href="/venues/new">create a venue</a> first.</p>
{{/NO_VENUES}}
{{#VENUE_FINDER}}
<form class="form" method="get" action="{{ACTION}}" role="search">
<div class="field">
<label for="venue_q">Find a venue</label>
<p class="hint" id="venue_q-hint">The start of its name or city. Finding reloads this page: find the venue before you fill in the form below.</p>
<input type="search" id="venue_q" name="venue_q" value="{{VENUE_Q}}" maxlength="{{VENUE_Q_MAXLENGTH}}" aria-describedby="venue_q-hint">
</div>
<div class="actions">
<button type="submit">Find venues</button>
</div>
</form>
{{/VENUE_FINDER}}
<form class="form" method="post" action="{{ACTION}}">
{{>CSRF}}
{{#VERSION_FIELD}}
<input type="hidden" name="version" value="{{VERSION}}">
{{/VERSION_FIELD}}
<div class="field{{#NAME_ERROR}} field-invalid{{/NAME_ERROR}}">
<label for="name">Name</label>
{{#NAME_ERROR}}
<p class="field-error" id="name-error">{{MESSAGE}}</p>
{{/NAME_ERROR}}
<input type="text" id="name" name="name" value="{{NAME}}"{{#NAME_REQUIRED}} required{{/NAME_REQUIRED}} maxlength="{{NAME_MAXLENGTH}}"{{#NAME_ERROR}} aria-invalid="true" aria-describedby="name-error"{{/NAME_ERROR}}>
</div>
<div class="field{{#VENUE_ID_ERROR}} field-invalid{{/VENUE_ID_ERROR}}">
<label for="venue_id">Venue</label>
{{#VENUE_ID_ERROR}}
<p class="field-error" id="venue_id-error">{{MESSAGE}}</p>
{{/VENUE_ID_ERROR}}
<select id="venue_id" name="venue_id"{{#VENUE_ID_REQUIRED}} required{{/VENUE_ID_REQUIRED}}{{#VENUE_ID_ERROR}} aria-invalid="true" aria-describedby="venue_id-error"{{/VENUE_ID_ERROR}}>
<option value="">Choose a venue</option>
{{#VENUE_OPTION}}
<option value="{{VENUE_ID}}"{{#SELECTED}} selected{{/SELECTED}}>{{VENUE_LABEL}}</option>
{{/VENUE_OPTION}}
</select>
{{#MORE_VENUES}}
<p class="hint">This list shows {{VENUE_CHOICES}} venues. Yours is not there? Find it above, or use “Create an event here” in the <a href="/venues">venue list</a>.</p>
{{/MORE_VENUES}}
{{#NO_VENUE_FOUND}}
<p class="hint">No venue's name or city starts with “{{VENUE_Q}}”.</p>
{{/NO_VENUE_FOUND}}
</div>
<div class="field{{#STARTS_AT_ERROR}} field-invalid{{/STARTS_AT_ERROR}}">
<label for="starts_at">Starts</label>
<p class="hint" id="starts_at-hint">Local time at the venue, YYYY-MM-DDTHH:MM</p>
{{#STARTS_AT_ERROR}}
<p class="field-error" id="starts_at-error">{{MESSAGE}}</p>
{{/STARTS_AT_ERROR}}
<input type="datetime-local" id="starts_at" name="starts_at" value="{{STARTS_AT}}"{{#STARTS_AT_REQUIRED}} required{{/STARTS_AT_REQUIRED}} aria-describedby="starts_at-hint{{#STARTS_AT_ERROR}} starts_at-error{{/STARTS_AT_ERROR}}"{{#STARTS_AT_ERROR}} aria-invalid="true"{{/STARTS_AT_ERROR}}>
</div>
<div class="field{{#ENDS_AT_ERROR}} field-invalid{{/ENDS_AT_ERROR}}">
<label for="ends_at">Ends</label>
<p class="hint" id="ends_at-hint">Local time at the venue, after the start</p>
{{#ENDS_AT_ERROR}}
<p class="field-error" id="ends_at-error">{{MESSAGE}}</p>
{{/ENDS_AT_ERROR}}
<input type="datetime-local" id="ends_at" name="ends_at" value="{{ENDS_AT}}"{{#ENDS_AT_REQUIRED}} required{{/ENDS_AT_REQUIRED}} aria-describedby="ends_at-hint{{#ENDS_AT_ERROR}} ends_at-error{{/ENDS_AT_ERROR}}"{{#ENDS_AT_ERROR}} aria-invalid="true"{{/ENDS_AT_ERROR}}>
</div>
<div class="field{{#DESCRIPTION_ERROR}} field-invalid{{/DESCRIPTION_ERROR}}">
<label for="description">Description</label>
<p class="hint" id="description-hint">Optional, up to {{DESCRIPTION_MAXLENGTH}} characters</p>
{{#DESCRIPTION_ERROR}}
<p class="field-error" id="description-error">{{MESSAGE}}</p>
{{/DESCRIPTION_ERROR}}
<textarea id="description" name="description" rows="8"{{#DESCRIPTION_REQUIRED}} required{{/DESCRIPTION_REQUIRED}} maxlength="{{DESCRIPTION_MAXLENGTH}}" aria-describedby="description-hint{{#DESCRIPTION_ERROR}} description-error{{/DESCRIPTION_ERROR}}"{{#DESCRIPTION_ERROR}} aria-invalid="true"{{/DESCRIPTION_ERROR}}>{{DESCRIPTION:pre_escape}}</textarea>
</div>
<div class="actions">
<button type="submit">{{SUBMIT}}</button>
<a href="{{BACK_URL}}">Back</a>
</div>
</form>
