{{%AUTOESCAPE context="HTML"}}
{{! Fill: PAGE, PAGES; show PREV with PREV_URL and NEXT with NEXT_URL when }}
{{! there is such a page. }}
<nav class="pagination" aria-label="Pagination">
{{#PREV}}
<a class="pagination-prev" rel="prev" href="{{PREV_URL}}">Previous page</a>
{{/PREV}}
<span class="pagination-status">Page {{PAGE}} of {{PAGES}}</span>
{{#NEXT}}
<a class="pagination-next" rel="next" href="{{NEXT_URL}}">Next page</a>
{{/NEXT}}
</nav>
