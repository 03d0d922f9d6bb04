//! 证书查询: certificates in scope, and the logged full ID number of a holder.

use super::*;

/// 证书查询: by certificate number, ID number or holder name (at least one).
#[derive(Debug, Clone, Default)]
pub struct CertificateQuery {
    pub cert_no: Option<String>,
    pub id_number: Option<String>,
    pub name: Option<String>,
}

impl CertificateQuery {
    /// Whether the query names anything to look for.
    pub fn is_empty(&self) -> bool {
        [&self.cert_no, &self.id_number, &self.name]
            .iter()
            .all(|v| text(v).is_none())
    }
}

impl Store {
    /// Certificates in scope matching every given criterion.
    pub async fn certificates(
        &self,
        scope: &DataScope,
        c: &CertificateQuery,
        paging: Paging,
    ) -> Result<Grid> {
        if c.is_empty() {
            return Ok(Grid::default());
        }
        let mut q = Query::new("FROM certificates c");
        q.when("c.cert_no", "=", text(&c.cert_no)).when(
            "c.candidate_id",
            "=",
            text(&c.id_number).map(upper),
        );
        if let Some(name) = text(&c.name) {
            // A name or its beginning (a surname, 张 or 张三).
            q.and("c.name LIKE {} ESCAPE '\\'", vec![like_prefix(&name)]);
        }
        q.scoped(scope, Via::InstitutionColumn("c.institution_id"));
        use Kind::*;
        Ok(in_transaction!(read self, w => grid(&mut w, &[
            ("cert_ref", "c.seq", Int),
            ("cert_no", "c.cert_no", Text),
            ("name", "c.name", Text),
            ("candidate_id", "c.candidate_id", Text),
            ("institution_id", "c.institution_id", Text),
            ("batch_id", "c.batch_id", Text),
            ("occupation_code", "c.occupation_code", Text),
            ("level", "c.level", Int),
            ("issued_on", "c.issued_on", Date),
            ("cert_status", "c.status", Text),
        ], &q, "c.issued_on DESC, c.seq", Some(paging)).await?))
    }

    /// The full ID number of certificate row `cert_ref`, if it is in scope.
    pub async fn certificate_holder_id(
        &self,
        scope: &DataScope,
        cert_ref: i64,
    ) -> Result<Option<(String, String, String)>> {
        let mut q = Query::new("FROM certificates c");
        q.when("c.seq", "=", Some(Value::Int(cert_ref)))
            .scoped(scope, Via::InstitutionColumn("c.institution_id"));
        let g = in_transaction!(read self, w => grid(&mut w, &[
            ("cert_no", "c.cert_no", Kind::Text),
            ("candidate_id", "c.candidate_id", Kind::Text),
            ("institution_id", "c.institution_id", Kind::Text),
        ], &q, "", None).await?);
        Ok(g.rows
            .first()
            .and_then(|r| Some((r[0].clone()?, r[1].clone()?, r[2].clone()?))))
    }
}

fn upper(v: Value<'static>) -> Value<'static> {
    match v {
        Value::Text(t) => Value::Text(t.to_uppercase().into()),
        v => v,
    }
}
