{{%AUTOESCAPE context="HTML"}}
{{! A list of events (home and search). Show EVENTS when there is one; add }}
{{! one EVENT each with ID, NAME, VENUE, CITY, WHEN (venue-local, display) }}
{{! and WHEN_ISO (venue-local, YYYY-MM-DDTHH:MM), and TICKETS (SUMMARY: }}
{{! what its tickets are) or NO_TICKETS. }}
{{#EVENTS}}
<ul class="cards">
{{#EVENT}}
<li>
<article class="card">
<h3><a href="/events/{{ID}}">{{NAME}}</a></h3>
<p><time datetime="{{WHEN_ISO}}">{{WHEN}}</time> (local time)</p>
<p>{{VENUE}}, {{CITY}}</p>
{{#TICKETS}}
<p class="tickets">{{SUMMARY}}</p>
{{/TICKETS}}
{{#NO_TICKETS}}
<p class="hint">No tickets listed yet</p>
{{/NO_TICKETS}}
</article>
</li>
{{/EVENT}}
</ul>
{{/EVENTS}}
