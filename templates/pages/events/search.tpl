{{%AUTOESCAPE context="HTML"}}
{{! The search page. fields_show (lib/fields.h) fills Q, CITY, FROM, TO }}
{{! (kept values), Q_MAXLENGTH, CITY_MAXLENGTH and at most one Q_ERROR, }}
{{! CITY_ERROR, FROM_ERROR, TO_ERROR with MESSAGE from the search form's }}
{{! table. Include FORM_ERRORS, LIST, PAGINATION; show BAD_PAGE (PAGE_MAX), }}
{{! SEARCHED, COUNT (TOTAL, NOUN, FIRST, LAST; NARROW with LISTED_MAX), }}
{{! EMPTY, PAST_END (PAGES, FIRST_URL) and ORGANIZER as they apply. }}
<h1>Search events</h1>
{{>FORM_ERRORS}}
{{#BAD_PAGE}}
<div class="alert" role="alert">
<p>The page number in the address is not valid: it must be a whole number from 1 to {{PAGE_MAX}}. The search below starts again from the first page; narrow it by words, city or dates to find later events.</p>
</div>
{{/BAD_PAGE}}
<form class="form" method="get" action="/events" role="search">
<div class="field{{#Q_ERROR}} field-invalid{{/Q_ERROR}}">
<label for="q">Words</label>
<p class="hint" id="q-hint">In the event's name or description, or the venue's name or city</p>
{{#Q_ERROR}}
<p class="field-error" id="q-error">{{MESSAGE}}</p>
{{/Q_ERROR}}
<input type="search" id="q" name="q" value="{{Q}}" maxlength="{{Q_MAXLENGTH}}" aria-describedby="q-hint{{#Q_ERROR}} q-error{{/Q_ERROR}}"{{#Q_ERROR}} aria-invalid="true"{{/Q_ERROR}}>
</div>
<div class="field{{#CITY_ERROR}} field-invalid{{/CITY_ERROR}}">
<label for="city">City</label>
<p class="hint" id="city-hint">The whole name, like Paris; empty for any city</p>
{{#CITY_ERROR}}
<p class="field-error" id="city-error">{{MESSAGE}}</p>
{{/CITY_ERROR}}
<input type="text" id="city" name="city" value="{{CITY}}" maxlength="{{CITY_MAXLENGTH}}" aria-describedby="city-hint{{#CITY_ERROR}} city-error{{/CITY_ERROR}}"{{#CITY_ERROR}} aria-invalid="true"{{/CITY_ERROR}}>
</div>
<div class="field{{#FROM_ERROR}} field-invalid{{/FROM_ERROR}}">
<label for="from">From date</label>
<p class="hint" id="from-hint">YYYY-MM-DD, local to the venue</p>
{{#FROM_ERROR}}
<p class="field-error" id="from-error">{{MESSAGE}}</p>
{{/FROM_ERROR}}
<input type="date" id="from" name="from" value="{{FROM}}" aria-describedby="from-hint{{#FROM_ERROR}} from-error{{/FROM_ERROR}}"{{#FROM_ERROR}} aria-invalid="true"{{/FROM_ERROR}}>
</div>
<div class="field{{#TO_ERROR}} field-invalid{{/TO_ERROR}}">
<label for="to">To date</label>
<p class="hint" id="to-hint">YYYY-MM-DD, inclusive</p>
{{#TO_ERROR}}
<p class="field-error" id="to-error">{{MESSAGE}}</p>
{{/TO_ERROR}}
<input type="date" id="to" name="to" value="{{TO}}" aria-describedby="to-hint{{#TO_ERROR}} to-error{{/TO_ERROR}}"{{#TO_ERROR}} aria-invalid="true"{{/TO_ERROR}}>
</div>
<div class="actions">
<button type="submit">Search</button>
<a href="/events">Clear the filters</a>
</div>
</form>
{{#ORGANIZER}}
<p><a href="/events/new">Create an event</a> · <a href="/venues">Manage venues</a></p>
{{/ORGANIZER}}
{{#SEARCHED}}
<h2>Results</h2>
{{#COUNT}}
<p>{{TOTAL}} upcoming {{NOUN}} found, soonest first. Showing {{FIRST}} to {{LAST}}. Times are local to each venue.</p>
{{#NARROW}}
<p>Only the first {{LISTED_MAX}} are listed: add words, a city or dates to find the others.</p>
{{/NARROW}}
{{/COUNT}}
{{>LIST}}
{{#EMPTY}}
<p>No upcoming events match your search. Try fewer or different words, another city, a wider range of dates, or <a href="/events">clear the filters</a> to see every upcoming event.</p>
{{/EMPTY}}
{{#PAST_END}}
<p>There is no such page of results: they fill {{PAGES}} page(s). <a href="{{FIRST_URL}}">Go to the first page</a>.</p>
{{/PAST_END}}
{{>PAGINATION}}
{{/SEARCHED}}
