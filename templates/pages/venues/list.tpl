{{%AUTOESCAPE context="HTML"}}
{{! The organizer's venue list, one page of it. Fill Q (the words found }}
{{! by, kept) and Q_MAXLENGTH; show HAS_VENUES with COUNT (FIRST, LAST, }}
{{! TOTAL) and a VENUE per venue with ID, NAME, CITY, ADDRESS, CAPACITY, }}
{{! TIMEZONE; or show EMPTY, or NONE_FOUND (Q); include PAGINATION. }}
<h1>Venues</h1>
<p><a href="/venues/new">Add a venue</a> · <a href="/events/new">Create an event</a></p>
<form class="form" method="get" action="/venues" role="search">
<div class="field">
<label for="q">Find venues</label>
<p class="hint" id="q-hint">The start of a venue's name or city</p>
<input type="search" id="q" name="q" value="{{Q}}" maxlength="{{Q_MAXLENGTH}}" aria-describedby="q-hint">
</div>
<div class="actions">
<button type="submit">Find venues</button>
</div>
</form>
{{#EMPTY}}
<p>No venues yet. Add the first one to start creating events.</p>
{{/EMPTY}}
{{#NONE_FOUND}}
<p>No venue's name or city starts with “{{Q}}”. <a href="/venues">Show every venue</a>.</p>
{{/NONE_FOUND}}
{{#HAS_VENUES}}
{{#COUNT}}
<p>Venues {{FIRST}} to {{LAST}} of {{TOTAL}}, by city.</p>
{{/COUNT}}
<div class="table-wrap">
<table class="stack">
<caption>Venues by city</caption>
<thead>
<tr><th scope="col">Name</th><th scope="col">City</th><th scope="col">Address</th><th scope="col" class="num">Capacity</th><th scope="col">Time zone</th><th scope="col">Actions</th></tr>
</thead>
<tbody>
{{#VENUE}}
<tr id="venue-{{ID}}">
<td data-label="Name">{{NAME}}</td>
<td data-label="City">{{CITY}}</td>
<td data-label="Address">{{ADDRESS}}</td>
<td class="num" data-label="Capacity">{{CAPACITY}}</td>
<td data-label="Time zone">{{TIMEZONE}}</td>
<td><a href="/venues/{{ID}}/edit">Edit<span class="visually-hidden"> {{NAME}}</span></a> · <a href="/events/new?venue_id={{ID}}">Create an event here<span class="visually-hidden">: {{NAME}}</span></a></td>
</tr>
{{/VENUE}}
</tbody>
</table>
</div>
{{/HAS_VENUES}}
{{>PAGINATION}}
