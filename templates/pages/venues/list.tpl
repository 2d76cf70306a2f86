{{%AUTOESCAPE context="HTML"}}
{{! The organizer's venue list. Show HAS_VENUES and add a VENUE per venue }}
{{! with ID, NAME, CITY, ADDRESS, CAPACITY, TIMEZONE; or show EMPTY. }}
<h1>Venues</h1>
<p><a href="/venues/new">Add a venue</a> · <a href="/events/new">Create an event</a></p>
{{#EMPTY}}
<p>No venues yet. Add the first one to start creating events.</p>
{{/EMPTY}}
{{#HAS_VENUES}}
<div class="table-wrap">
<table>
<caption>Every venue, by city</caption>
<thead>
<tr><th scope="col">Name</th><th scope="col">City</th><th scope="col">Address</th><th scope="col" class="num">Capacity</th><th scope="col">Time zone</th><th scope="col">Actions</th></tr>
</thead>
<tbody>
{{#VENUE}}
<tr id="venue-{{ID}}">
<td>{{NAME}}</td>
<td>{{CITY}}</td>
<td>{{ADDRESS}}</td>
<td class="num">{{CAPACITY}}</td>
<td>{{TIMEZONE}}</td>
<td><a href="/venues/{{ID}}/edit">Edit<span class="visually-hidden"> {{NAME}}</span></a></td>
</tr>
{{/VENUE}}
</tbody>
</table>
</div>
{{/HAS_VENUES}}
