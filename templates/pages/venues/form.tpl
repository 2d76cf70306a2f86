{{%AUTOESCAPE context="HTML"}}
{{! The venue form (new and edit). Fill HEADING, ACTION, SUBMIT; show }}
{{! VERSION_FIELD with VERSION for edits; include CSRF and FORM_ERRORS. }}
{{! fields_show (lib/fields.h) fills the rest from the venue form's table: }}
{{! the kept values NAME, CITY, ADDRESS, CAPACITY, TIMEZONE; each field's }}
{{! REQUIRED section, MAXLENGTH, or MIN and MAX for the capacity; at most }}
{{! one CONFLICT_ERROR, NAME_ERROR, CITY_ERROR, ADDRESS_ERROR, }}
{{! CAPACITY_ERROR, TIMEZONE_ERROR, each with MESSAGE. }}
<h1>{{HEADING}}</h1>
{{>FORM_ERRORS}}
{{#CONFLICT_ERROR}}
<div class="alert" role="alert">
<p>{{MESSAGE}}</p>
</div>
{{/CONFLICT_ERROR}}
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
<div class="field{{#CITY_ERROR}} field-invalid{{/CITY_ERROR}}">
<label for="city">City</label>
{{#CITY_ERROR}}
<p class="field-error" id="city-error">{{MESSAGE}}</p>
{{/CITY_ERROR}}
<input type="text" id="city" name="city" value="{{CITY}}"{{#CITY_REQUIRED}} required{{/CITY_REQUIRED}} maxlength="{{CITY_MAXLENGTH}}"{{#CITY_ERROR}} aria-invalid="true" aria-describedby="city-error"{{/CITY_ERROR}}>
</div>
<div class="field{{#ADDRESS_ERROR}} field-invalid{{/ADDRESS_ERROR}}">
<label for="address">Address</label>
{{#ADDRESS_ERROR}}
<p class="field-error" id="address-error">{{MESSAGE}}</p>
{{/ADDRESS_ERROR}}
<input type="text" id="address" name="address" value="{{ADDRESS}}"{{#ADDRESS_REQUIRED}} required{{/ADDRESS_REQUIRED}} maxlength="{{ADDRESS_MAXLENGTH}}"{{#ADDRESS_ERROR}} aria-invalid="true" aria-describedby="address-error"{{/ADDRESS_ERROR}}>
</div>
<div class="field{{#CAPACITY_ERROR}} field-invalid{{/CAPACITY_ERROR}}">
<label for="capacity">Capacity</label>
<p class="hint" id="capacity-hint">How many people the venue holds</p>
{{#CAPACITY_ERROR}}
<p class="field-error" id="capacity-error">{{MESSAGE}}</p>
{{/CAPACITY_ERROR}}
<input type="number" id="capacity" name="capacity" value="{{CAPACITY}}"{{#CAPACITY_REQUIRED}} required{{/CAPACITY_REQUIRED}} min="{{CAPACITY_MIN}}" max="{{CAPACITY_MAX}}" step="1" aria-describedby="capacity-hint{{#CAPACITY_ERROR}} capacity-error{{/CAPACITY_ERROR}}"{{#CAPACITY_ERROR}} aria-invalid="true"{{/CAPACITY_ERROR}}>
</div>
<div class="field{{#TIMEZONE_ERROR}} field-invalid{{/TIMEZONE_ERROR}}">
<label for="timezone">Time zone</label>
<p class="hint" id="timezone-hint">A tz database name, like Europe/Paris or America/New_York</p>
{{#TIMEZONE_ERROR}}
<p class="field-error" id="timezone-error">{{MESSAGE}}</p>
{{/TIMEZONE_ERROR}}
<input type="text" id="timezone" name="timezone" value="{{TIMEZONE}}"{{#TIMEZONE_REQUIRED}} required{{/TIMEZONE_REQUIRED}} maxlength="{{TIMEZONE_MAXLENGTH}}" aria-describedby="timezone-hint{{#TIMEZONE_ERROR}} timezone-error{{/TIMEZONE_ERROR}}"{{#TIMEZONE_ERROR}} aria-invalid="true"{{/TIMEZONE_ERROR}}>
</div>
<div class="actions">
<button type="submit">{{SUBMIT}}</button>
<a href="/venues">Back to venues</a>
</div>
</form>
