def test_smoke(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    for url in ["/forum/", f"/forum/categories/{w.general.id}", f"/forum/threads/{w.thread.id}",
                f"/forum/categories/{w.general.id}/new", f"/forum/threads/{w.thread.id}/reply?quote={w.reply.id}",
                "/forum/queue", "/forum/search?q=budget", f"/forum/posts/{w.group_pending.id}/moderate",
                f"/forum/members/{w.member.id}/suspend", f"/forum/posts/{w.reply.id}/flag",
                f"/forum/posts/{w.own_post.id}/history", f"/forum/posts/{w.own_post.id}/edit", "/notifications/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
    r = client.post("/forum/preview", data={"body": "**hi** <script>x</script>"})
    assert "<strong>hi</strong>" in r.get_data(as_text=True)
    r = client.post(f"/forum/categories/{w.general.id}/new", data={"title": "T", "body": "B"})
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    r = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "reply", "reply_to": str(w.reply.id)})
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    print(client.get(r.headers["Location"]).status_code)
    auth.logout(); auth.login_as(w.admin)
    for url in ["/forum/categories", "/forum/categories/new", f"/forum/categories/{w.group_category.id}/edit", f"/forum/categories/{w.general.id}/edit"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
