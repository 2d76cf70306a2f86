{{%AUTOESCAPE context="HTML"}}
{{! Error summary above a form. Show section ERRORS and add one ERROR per }}
{{! problem with FIELD (the id of the field) and MESSAGE. }}
{{#ERRORS}}
<div class="error-summary" role="alert">
<p class="error-summary-title">Please correct the following:</p>
<ul>
{{#ERROR}}
<li><a href="#{{FIELD}}">{{MESSAGE}}</a></li>
{{/ERROR}}
</ul>
</div>
{{/ERRORS}}
